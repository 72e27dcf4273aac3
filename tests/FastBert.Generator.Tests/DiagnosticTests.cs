using FastBert.Generator.Tests.Infrastructure;
using FastBert.Manifest;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace FastBert.Generator.Tests;

/// <summary>Each diagnostic by id, at the span marked with [| |] in the fixture, with a message that says what to write.</summary>
public sealed class DiagnosticTests
{
    private const string Path = "/src/App/spam.yaml";

    [Fact]
    public void UnclosedFlowSequence_IsYamlSyntaxError()
    {
        var diagnostic = AssertSingle(ManifestDiagnosticIds.YamlSyntaxError, "model: { source: m }\nlabels: [ham, spam\n[||]");
        Assert.Contains("not valid YAML", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void UnclosedBracketBeforeTheNextKey_IsYamlSyntaxError_AtTheBracket()
    {
        // YamlDotNet fails with an InvalidOperationException here; it is still the user's syntax error, not FB0099.
        var diagnostic = AssertSingle(ManifestDiagnosticIds.YamlSyntaxError, "labels: [|[|]ham, spam\nmodel: { source: m }\n");
        Assert.Contains("this '[' is not closed. Add ']'", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void EmptyModelSource_IsWrongType_AtTheSourceKey()
    {
        var diagnostic = AssertSingle(ManifestDiagnosticIds.WrongType, "model:\n  [|source|]:\nlabels: [a, b]\n");
        Assert.Contains("but it is empty", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void TabIndentation_IsYamlSyntaxError()
    {
        var diagnostic = AssertSingle(ManifestDiagnosticIds.YamlSyntaxError, "model:\n[|\t|]source: m\nlabels: [a, b]\n");
        Assert.Contains("tab", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void BracketsNestedDeeperThanAHundredLevels_AreYamlSyntaxError_AtTheFirstTooDeepBracket()
    {
        // Brackets cannot carry [| |] markup, so the span is explicit: the 101st '[' after "labels: ".
        var harness = new GeneratorHarness();
        harness.AddManifest(Path, "labels: " + new string('[', 5000));

        var diagnostic = Assert.Single(harness.Run().Diagnostics);

        Assert.Equal(ManifestDiagnosticIds.YamlSyntaxError, diagnostic.Id);
        Assert.Equal(new TextSpan(8 + 100, 1), diagnostic.Location.SourceSpan);
        AssertPosition(diagnostic, 0, 108, 0, 109);
        Assert.Contains("more than 100 levels deep", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void DuplicateKeyInYamlSense_IsReportedAsDuplicateKey_NotSyntaxError()
    {
        var diagnostic = AssertSingle(ManifestDiagnosticIds.DuplicateKey, "model: { source: m }\nlabels: [a, b]\n[|labels|]: [c]\n");
        Assert.Contains("first is on line 2", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void SecondDocument_IsYamlSyntaxError()
    {
        var diagnostic = AssertSingle(ManifestDiagnosticIds.YamlSyntaxError, "model: { source: m }\nlabels: [a, b]\n[|---|]\nlabels: [c]\n");
        Assert.Contains("one YAML document", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void AliasWithoutAnchor_IsYamlSyntaxError()
    {
        var diagnostic = AssertSingle(ManifestDiagnosticIds.YamlSyntaxError, "model: { source: m }\nlabels: [|*names|]\n");
        Assert.Contains("'&names'", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void MisspelledKey_IsUnknownKey_WithSuggestionAndAllowedKeys()
    {
        var diagnostic = AssertSingle(ManifestDiagnosticIds.UnknownKey, "model: { source: m }\n[|lables|]: [ham, spam]\nlabels: [ham, spam]\n");
        Assert.Equal(
            "Unknown key 'lables' in the manifest. Did you mean 'labels'? Allowed keys: classifier, namespace, model, labels, tokenizer, quantize, validate, problem, thresholds, input, inputs.",
            diagnostic.GetMessage());
    }

    [Fact]
    public void SnakeCaseTokenizerKey_IsUnknownKey_SuggestingCamelCase()
    {
        var diagnostic = AssertSingle(ManifestDiagnosticIds.UnknownKey, "model: { source: m }\nlabels: [a, b]\ntokenizer:\n  [|max_tokens|]: 128\n");
        Assert.Contains("under 'tokenizer'. Did you mean 'maxTokens'? Allowed keys: maxTokens, lowercase.", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void UnrelatedKeyUnderModel_IsUnknownKey_WithoutSuggestion()
    {
        var diagnostic = AssertSingle(ManifestDiagnosticIds.UnknownKey, "model:\n  source: m\n  [|checksum|]: abc\nlabels: [a, b]\n");
        Assert.Equal("Unknown key 'checksum' under 'model'. Allowed keys: source, file.", diagnostic.GetMessage());
    }

    [Fact]
    public void UnknownTopLevelKey_ListsQuantizeAndValidateAsAllowed()
    {
        var diagnostic = AssertSingle(ManifestDiagnosticIds.UnknownKey, "model: { source: m }\nlabels: [a, b]\n[|quantise|]: { mode: int8 }\n");
        Assert.Contains("Did you mean 'quantize'?", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void LabelsAsMapping_IsWrongType()
    {
        var diagnostic = AssertSingle(ManifestDiagnosticIds.WrongType, "model: { source: m }\nlabels: [|{ ham: 0, spam: 1 }|]\n");
        Assert.Equal("'labels' must be a list of label names, but it is a mapping. Write it like 'labels: [ham, spam]'.", diagnostic.GetMessage());
    }

    [Fact]
    public void LabelsAsBlockMapping_IsWrongType_SpanningTheEntries()
    {
        AssertSingle(ManifestDiagnosticIds.WrongType, "model: { source: m }\nlabels:\n  [|ham: 0\n  spam: 1|]\n# trailing comment\n");
    }

    [Fact]
    public void LabelsAsCommaSeparatedText_IsWrongType_SuggestingAFlowList()
    {
        var diagnostic = AssertSingle(ManifestDiagnosticIds.WrongType, "model: { source: m }\nlabels: [|ham, spam|]\n");
        Assert.Contains("Write it like 'labels: [ham, spam]'.", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void NonNumericMaxTokens_IsWrongType()
    {
        var diagnostic = AssertSingle(ManifestDiagnosticIds.WrongType, "model: { source: m }\nlabels: [a, b]\ntokenizer: { maxTokens: [|abc|] }\n");
        Assert.Equal(
            "'tokenizer.maxTokens' must be a whole number (without quotes), but it is the text 'abc'. Write it like 'maxTokens: 128'.",
            diagnostic.GetMessage());
    }

    [Fact]
    public void QuotedMaxTokens_IsWrongType()
    {
        AssertSingle(ManifestDiagnosticIds.WrongType, "model: { source: m }\nlabels: [a, b]\ntokenizer: { maxTokens: [|\"128\"|] }\n");
    }

    [Fact]
    public void LowercaseAsSentence_IsWrongType()
    {
        var diagnostic = AssertSingle(ManifestDiagnosticIds.WrongType, "model: { source: m }\nlabels: [a, b]\ntokenizer:\n  lowercase: [|yes please|]\n");
        Assert.Contains("true or false", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void ModelAsPath_IsWrongType_SuggestingTheMapping()
    {
        var diagnostic = AssertSingle(ManifestDiagnosticIds.WrongType, "model: [|model/|]\nlabels: [a, b]\n");
        Assert.Contains("Write it like 'model: { source: model/ }'.", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void LabelThatIsAList_IsWrongType()
    {
        AssertSingle(ManifestDiagnosticIds.WrongType, "model: { source: m }\nlabels:\n  - ham\n  - [|[spam, junk]|]\n");
    }

    [Fact]
    public void ManifestThatIsAList_IsWrongType()
    {
        AssertSingle(ManifestDiagnosticIds.WrongType, "[|- ham\n- spam|]\n");
    }

    [Fact]
    public void MissingLabels_WithoutLockFile_IsMissingKey_AtDocumentStart_NamingTheLockFile()
    {
        var diagnostic = AssertSingle(ManifestDiagnosticIds.MissingKey, "[||]# no labels\nmodel: { source: m }\n");
        Assert.Equal(
            "Labels missing: the manifest has no 'labels' key and there is no lock file 'spam.lock.json' beside it. "
            + "Write the model's labels in output order, like 'labels: [ham, spam]'. The build records model.source's config.json "
            + "id2label in spam.lock.json before compiling when it has one: if you see this, config.json has no id2label or the "
            + "model could not be read (see the errors before this one).",
            diagnostic.GetMessage());
        AssertPosition(diagnostic, 0, 0, 0, 0);
    }

    [Fact]
    public void MissingModel_IsMissingKey_AtDocumentStart()
    {
        AssertSingle(ManifestDiagnosticIds.MissingKey, "[||]labels: [a, b]\n");
    }

    [Fact]
    public void MissingModelSource_IsMissingKey_AtTheModelKey()
    {
        var diagnostic = AssertSingle(ManifestDiagnosticIds.MissingKey, "labels: [a, b]\n[|model|]:\n  revision: main\n", ignore: ManifestDiagnosticIds.UnknownKey);
        AssertPosition(diagnostic, 1, 0, 1, 5);
    }

    [Fact]
    public void EmptyModel_IsMissingKey_AtTheModelKey()
    {
        AssertSingle(ManifestDiagnosticIds.MissingKey, "labels: [a, b]\n[|model|]:\n");
    }

    [Fact]
    public void EmptyLabelsList_IsEmptyLabels()
    {
        var diagnostic = AssertSingle(ManifestDiagnosticIds.EmptyLabels, "model: { source: m }\nlabels: [|[]|]\n");
        AssertPosition(diagnostic, 1, 8, 1, 10);
    }

    [Fact]
    public void LabelsWithoutValue_IsEmptyLabels()
    {
        AssertSingle(ManifestDiagnosticIds.EmptyLabels, "model: { source: m }\n[|labels|]:\n");
    }

    [Fact]
    public void LabelsEqualIgnoringCase_AreDuplicateLabels()
    {
        var diagnostic = AssertSingle(ManifestDiagnosticIds.DuplicateLabel, "model: { source: m }\nlabels:\n  - ham\n  - spam\n  - [|Ham|]\n");
        Assert.Equal(
            "The label 'Ham' repeats 'ham' from line 3 (labels are compared ignoring case). List each label once.",
            diagnostic.GetMessage());
        AssertPosition(diagnostic, 4, 4, 4, 7);
    }

    [Fact]
    public void LabelsWithTheSameEnumMember_AreDuplicateLabels()
    {
        var diagnostic = AssertSingle(ManifestDiagnosticIds.DuplicateLabel, "model: { source: m }\nlabels: [not-spam, [|not_spam|]]\n");
        Assert.Contains("both become the enum member 'NotSpam'", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void LabelStartingWithADigit_IsInvalidLabelName()
    {
        var diagnostic = AssertSingle(ManifestDiagnosticIds.InvalidLabelName, "model: { source: m }\nlabels: [[|1star|], 2stars]\n", ignore: null, expectedCount: 2);
        Assert.Equal(
            "The label '1star' becomes the enum member '1star', which is not a valid C# identifier. Start the label with a letter, like 'Label1star'.",
            diagnostic.GetMessage());
    }

    [Fact]
    public void LabelWithoutLetters_IsInvalidLabelName()
    {
        var diagnostic = AssertSingle(ManifestDiagnosticIds.InvalidLabelName, "model: { source: m }\nlabels: [minus, [|\"+\"|]]\n");
        Assert.Contains("has no letters or digits", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void EmptyLabel_IsInvalidLabelName()
    {
        AssertSingle(ManifestDiagnosticIds.InvalidLabelName, "model: { source: m }\nlabels: [ham, [|''|]]\n");
    }

    [Fact]
    public void KeywordClassName_IsInvalidTypeName()
    {
        var diagnostic = AssertSingle(ManifestDiagnosticIds.InvalidTypeName, "classifier: [|class|]\nmodel: { source: m }\nlabels: [a, b]\n");
        Assert.Contains("C# keyword", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void ClassNameWithSpace_IsInvalidTypeName()
    {
        AssertSingle(ManifestDiagnosticIds.InvalidTypeName, "classifier: [|Spam Classifier|]\nmodel: { source: m }\nlabels: [a, b]\n");
    }

    [Fact]
    public void LowercaseClassName_IsInvalidTypeName_NamingCS8981()
    {
        var diagnostic = AssertSingle(ManifestDiagnosticIds.InvalidTypeName, "classifier: [|spam|]\nmodel: { source: m }\nlabels: [a, b]\n");
        Assert.Contains("CS8981", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void ClassNamedLikeAGeneratedMember_IsInvalidTypeName()
    {
        AssertSingle(ManifestDiagnosticIds.InvalidTypeName, "classifier: [|Load|]\nmodel: { source: m }\nlabels: [a, b]\n");
    }

    [Fact]
    public void NamespaceWithEmptySegment_IsInvalidTypeName()
    {
        AssertSingle(ManifestDiagnosticIds.InvalidTypeName, "namespace: [|Contoso..Messaging|]\nmodel: { source: m }\nlabels: [a, b]\n");
    }

    [Fact]
    public void FileNameThatIsNoClassName_IsInvalidTypeName_AtDocumentStart()
    {
        var diagnostic = AssertSingle(ManifestDiagnosticIds.InvalidTypeName, "[||]model: { source: m }\nlabels: [a, b]\n", path: "/src/App/1.yaml");
        Assert.Contains("made from the file name '1.yaml'", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void InvalidRootNamespace_IsInvalidTypeName_AtDocumentStart()
    {
        var diagnostic = AssertSingle(ManifestDiagnosticIds.InvalidTypeName, "[||]model: { source: m }\nlabels: [a, b]\n", rootNamespace: "my-app");
        Assert.Contains("RootNamespace 'my-app'", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("8193")]
    [InlineData("-5")]
    [InlineData("99999999999999999999")]
    public void MaxTokensOutsideTwoTo8192_IsValueOutOfRange(string value)
    {
        var diagnostic = AssertSingle(ManifestDiagnosticIds.ValueOutOfRange, "model: { source: m }\nlabels: [a, b]\ntokenizer:\n  maxTokens: [|" + value + "|]\n");
        Assert.Contains("between 2 and 8192", diagnostic.GetMessage(), StringComparison.Ordinal);
        AssertPosition(diagnostic, 3, 13, 3, 13 + value.Length);
    }

    [Fact]
    public void EmptyFile_IsEmptyManifest()
    {
        AssertSingle(ManifestDiagnosticIds.EmptyManifest, "[||]");
    }

    [Fact]
    public void OnlyComments_IsEmptyManifest()
    {
        AssertSingle(ManifestDiagnosticIds.EmptyManifest, "[||]# TODO: write the manifest\n\n");
    }

    [Fact]
    public void UnreadableFile_IsUnreadableManifest()
    {
        var harness = new GeneratorHarness();
        harness.AddManifest(new InMemoryAdditionalText(Path, null));

        var diagnostic = Assert.Single(harness.Run().Diagnostics);

        Assert.Equal(ManifestDiagnosticIds.UnreadableManifest, diagnostic.Id);
        Assert.Equal(Path, diagnostic.Location.GetLineSpan().Path);
    }

    [Fact]
    public void TwoManifestsWithTheSameClass_ReportClassNameClashOnBoth_AndGenerateNeither()
    {
        var harness = new GeneratorHarness();
        var (first, firstSpan) = Markup.Parse("classifier: [|SpamClassifier|]\nmodel: { source: m }\nlabels: [ham, spam]\n");
        harness.AddManifest("/src/App/a.yaml", first);
        harness.AddManifest("/src/App/spam.yaml", "model: { source: m }\nlabels: [ham, spam]\n");

        var outcome = harness.Run();

        Assert.Empty(outcome.Sources);
        Assert.All(outcome.Diagnostics, d => Assert.Equal(ManifestDiagnosticIds.ClassNameClash, d.Id));
        var onFirst = Assert.Single(outcome.Diagnostics, d => d.Location.GetLineSpan().Path == "/src/App/a.yaml");
        Assert.Equal(firstSpan, onFirst.Location.SourceSpan);
        Assert.Contains("'/src/App/spam.yaml' also generates the type 'Contoso.App.SpamClassifier'", onFirst.GetMessage(), StringComparison.Ordinal);
        var onSecond = Assert.Single(outcome.Diagnostics, d => d.Location.GetLineSpan().Path == "/src/App/spam.yaml");
        Assert.Equal(new TextSpan(0, 0), onSecond.Location.SourceSpan);
    }

    [Fact]
    public void ClassNamesDifferingOnlyInCase_AreAClassNameClash()
    {
        var harness = new GeneratorHarness();
        harness.AddManifest("/src/App/a.yaml", "classifier: SpamClassifier\nmodel: { source: m }\nlabels: [a, b]\n");
        harness.AddManifest("/src/App/b.yaml", "classifier: SPAMClassifier\nmodel: { source: m }\nlabels: [a, b]\n");

        var outcome = harness.Run();

        Assert.Empty(outcome.Sources);
        Assert.Equal(2, outcome.Diagnostics.Count(d => d.Id == ManifestDiagnosticIds.ClassNameClash));
    }

    [Fact]
    public void ClashBetweenTwoManifests_DoesNotBlockAThird()
    {
        var harness = new GeneratorHarness();
        harness.AddManifest("/src/App/a.yaml", "classifier: SpamClassifier\nmodel: { source: m }\nlabels: [a, b]\n");
        harness.AddManifest("/src/App/b.yaml", "classifier: SpamClassifier\nmodel: { source: m }\nlabels: [a, b]\n");
        harness.AddManifest("/src/App/c.yaml", "model: { source: m }\nlabels: [a, b]\n");

        var outcome = harness.Run();

        Assert.Equal("Contoso.App.CClassifier.g.cs", Assert.Single(outcome.Sources).HintName);
    }

    [Fact]
    public void ManifestsWithTheSameFileName_ReportModelNameClashOnBoth()
    {
        var harness = new GeneratorHarness();
        harness.AddManifest("/src/App/a/spam.yaml", "classifier: ASpamClassifier\nmodel: { source: m }\nlabels: [a, b]\n");
        harness.AddManifest("/src/App/b/spam.yaml", "classifier: BSpamClassifier\nmodel: { source: m }\nlabels: [a, b]\n");

        var outcome = harness.Run();

        Assert.Empty(outcome.Sources);
        Assert.Equal(2, outcome.Diagnostics.Length);
        Assert.All(outcome.Diagnostics, d => Assert.Equal(ManifestDiagnosticIds.ModelNameClash, d.Id));
        Assert.Contains("fastbert/spam", outcome.Diagnostics[0].GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void ExceptionInsideTheGenerator_IsInternalError_NotACrash()
    {
        var harness = new GeneratorHarness();
        harness.AddManifest(Path, "model: { source: m }\nlabels: [a, b]\n");
        harness.Options.ThrowOnGetOptions = new InvalidOperationException("boom");

        var outcome = harness.Run();

        var diagnostic = Assert.Single(outcome.Diagnostics);
        Assert.Equal(ManifestDiagnosticIds.InternalError, diagnostic.Id);
        Assert.Contains("InvalidOperationException: boom.", diagnostic.GetMessage(), StringComparison.Ordinal);
        Assert.Null(outcome.Result.Exception);
    }

    [Fact]
    public void EveryDiagnostic_IsAnErrorInTheFastBertCategory_WithAHelpLink()
    {
        var harness = new GeneratorHarness();
        harness.AddManifest(Path, "model: { source: m }\nlables: [a, b]\n");

        var diagnostic = harness.Run().Diagnostics.Single(d => d.Id == ManifestDiagnosticIds.UnknownKey);

        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Equal("FastBert", diagnostic.Descriptor.Category);
        Assert.Equal("https://github.com/fastbert/fastbert/blob/main/docs/diagnostics.md#fb0002", diagnostic.Descriptor.HelpLinkUri);
    }

    [Fact]
    public void SeveralProblems_AreAllReported_InTextOrder()
    {
        var harness = new GeneratorHarness();
        harness.AddManifest(Path, "clasifier: Spam\nmodel: { source: m }\nlabels: [ham, ham]\ntokenizer: { maxTokens: 0 }\n");

        var ids = harness.Run().Diagnostics.Select(d => d.Id);

        Assert.Equal(new[] { ManifestDiagnosticIds.UnknownKey, ManifestDiagnosticIds.DuplicateLabel, ManifestDiagnosticIds.ValueOutOfRange }, ids);
    }

    [Fact]
    public void CrLfLineEnds_GiveTheSameLinesAndColumns()
    {
        var diagnostic = AssertSingle(ManifestDiagnosticIds.UnknownKey, "model: { source: m }\r\nlabels: [a, b]\r\n[|lowercase|]: true\r\n");
        AssertPosition(diagnostic, 2, 0, 2, 9);
    }

    [Fact]
    public void ByteOrderMark_IsNotPartOfTheFirstKey()
    {
        var diagnostic = AssertSingle(ManifestDiagnosticIds.UnknownKey, "\uFEFF[|modle|]: { source: m }\nlabels: [a, b]\n", ignore: ManifestDiagnosticIds.MissingKey);
        AssertPosition(diagnostic, 0, 1, 0, 6);
    }

    private static Diagnostic AssertSingle(
        string id,
        string markup,
        string? ignore = null,
        string path = Path,
        string? rootNamespace = GeneratorHarness.DefaultRootNamespace,
        int expectedCount = 1) =>
        DiagnosticAssert.Single(id, markup, ignore, path, rootNamespace, expectedCount);

    private static void AssertPosition(Diagnostic diagnostic, int startLine, int startColumn, int endLine, int endColumn) =>
        DiagnosticAssert.Position(diagnostic, startLine, startColumn, endLine, endColumn);
}
