using FastBert.Generator.Tests.Infrastructure;
using FastBert.Manifest;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace FastBert.Generator.Tests;

/// <summary>Labels from the lock file (spam.lock.json beside spam.yaml) when the manifest has none.</summary>
public sealed class LockFileTests
{
    private const string ManifestPath = "/src/App/spam.yaml";
    private const string LockPath = "/src/App/spam.lock.json";
    private const string NoLabels = "model: { source: hf:prajjwal1/bert-tiny }\n";
    private const string Lock = """
        {
          "version": 1,
          "source": { "repo": "prajjwal1/bert-tiny", "revision": "main", "commit": "6f75de8b60a9f8a2fdf7b69cbd86d9e64bcb3837" },
          "labels": ["ham", "spam"],
          "sha256": { "model.onnx": "abc" },
          "metrics": { "accuracy": 0.981, "latencyMs": [1.5, 2e0, -3] , "ok": true, "note": null }
        }
        """;

    [Fact]
    public void ManifestWithoutLabels_TakesThemFromItsLockFile()
    {
        var harness = new GeneratorHarness();
        harness.AddManifest(ManifestPath, NoLabels);
        harness.AddLockFile(LockPath, Lock);

        var outcome = harness.Run("public static class Usage { public static Contoso.App.SpamLabel L => Contoso.App.SpamLabel.Spam; }");

        Assert.Empty(outcome.Diagnostics);
        Assert.Empty(outcome.CompilationProblems);
        var source = Assert.Single(outcome.Sources).SourceText.ToString();
        Assert.Contains("Ham = 0,", source, StringComparison.Ordinal);
        Assert.Contains("Spam = 1,", source, StringComparison.Ordinal);
        Assert.Contains("\"spam\",", source, StringComparison.Ordinal);
    }

    [Fact]
    public void LockFileWithADatasetPin_GivesItsLabels()
    {
        // The shape fastbert prepare writes for validate.data: hf-dataset:… (fastbert.lock/v1 with "dataset").
        const string WithDataset = """
            {
              "schema": "fastbert.lock/v1",
              "source": "hf:fastbert/sms-spam-bert-tiny@main",
              "resolvedCommit": "4f1c2d3e5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d",
              "files": { "config.json": "0a1b" },
              "labels": [ "ham", "spam" ],
              "quantization": { "mode": "none" },
              "validation": { "data": "hf-dataset:fastbert-test/sms_spam@1a2b3c4d5e6f708192a3b4c5d6e7f80912a3b4c5 plain_text/test", "examples": 160, "accuracy": 0.99375, "macroF1": 0.98 },
              "dataset": {
                "source": "hf-dataset:fastbert-test/sms_spam@main",
                "config": "plain_text",
                "split": "test",
                "revision": "main",
                "resolvedCommit": "1a2b3c4d5e6f708192a3b4c5d6e7f80912a3b4c5",
                "layout": "native",
                "files": { "plain_text/test-00000-of-00002.parquet": "9f86d0", "plain_text/test-00001-of-00002.parquet": "60303a" }
              }
            }
            """;

        var lockFile = ManifestLockFile.Read(LockPath, WithDataset);

        Assert.Null(lockFile.Problem);
        Assert.Equal(["ham", "spam"], lockFile.Labels.ToArray());
    }

    [Fact]
    public void LabelsFromALockFile_ArePascalCased_LikeWrittenLabels()
    {
        var harness = new GeneratorHarness();
        harness.AddManifest(ManifestPath, NoLabels);
        harness.AddLockFile(LockPath, "{\"labels\": [\"LABEL_0\", \"not-spam\", \"caf\\u00e9\"]}");

        var outcome = harness.Run();

        Assert.Empty(outcome.Diagnostics);
        var source = outcome.Sources.Single().SourceText.ToString();
        Assert.Contains("LABEL0 = 0,", source, StringComparison.Ordinal);
        Assert.Contains("NotSpam = 1,", source, StringComparison.Ordinal);
        Assert.Contains("Café = 2,", source, StringComparison.Ordinal);
    }

    [Fact]
    public void LabelsInTheManifest_WinOverTheLockFile()
    {
        var harness = new GeneratorHarness();
        harness.AddManifest(ManifestPath, NoLabels + "labels: [good, bad]\n");
        harness.AddLockFile(LockPath, Lock);

        var outcome = harness.Run();

        Assert.Empty(outcome.Diagnostics);
        Assert.Contains("Good = 0,", outcome.Sources.Single().SourceText.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void MalformedLockFile_IsIgnored_WhenTheManifestHasLabels()
    {
        var harness = new GeneratorHarness();
        harness.AddManifest(ManifestPath, NoLabels + "labels: [ham, spam]\n");
        harness.AddLockFile(LockPath, "{ not json");

        var outcome = harness.Run();

        Assert.Empty(outcome.Diagnostics);
        Assert.Single(outcome.Sources);
    }

    [Theory]
    [InlineData(@"C:\src\App\spam.yaml", @"C:\src\App\spam.lock.json")]
    [InlineData(@"C:\src\App\spam.yaml", "C:/src/App/spam.lock.json")]
    [InlineData("/src/App/spam.yml", "/src/App/spam.lock.json")]
    [InlineData("/src/App/spam.yaml", "/src/App/SPAM.lock.json")]
    public void LockFile_IsFoundBesideTheManifest_WhateverTheSeparators(string manifestPath, string lockPath)
    {
        var harness = new GeneratorHarness();
        harness.AddManifest(manifestPath, NoLabels);
        harness.AddLockFile(lockPath, Lock);

        var outcome = harness.Run();

        Assert.Empty(outcome.Diagnostics);
        Assert.Single(outcome.Sources);
    }

    [Fact]
    public void ExactlyNamedLockFile_WinsOverOneDifferingInCase()
    {
        var harness = new GeneratorHarness();
        harness.AddManifest(ManifestPath, NoLabels);
        harness.AddLockFile("/src/App/Spam.lock.json", "{\"labels\": [\"wrong\", \"case\"]}");
        harness.AddLockFile(LockPath, Lock);

        var outcome = harness.Run();

        Assert.Contains("Ham = 0,", outcome.Sources.Single().SourceText.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/src/Other/spam.lock.json")]
    [InlineData("/src/App/spam.fastbert.lock.json")]
    [InlineData("/src/App/ham.lock.json")]
    [InlineData("/src/App/spam.yaml.lock.json")]
    public void LockFileInAnotherFolderOrOfAnotherName_IsNotUsed(string lockPath)
    {
        DiagnosticAssert.Single(ManifestDiagnosticIds.MissingKey, "[||]" + NoLabels, arrange: harness => harness.AddLockFile(lockPath, Lock));
    }

    [Fact]
    public void LockFileWithoutFastBertLockMetadata_IsNotUsed()
    {
        DiagnosticAssert.Single(ManifestDiagnosticIds.MissingKey, "[||]" + NoLabels, arrange: harness => harness.AddOtherFile(LockPath, Lock));
    }

    [Fact]
    public void MissingLockFile_IsMissingKey_AtTheManifestsStart_SayingWhichLockFileToCreate()
    {
        var diagnostic = DiagnosticAssert.Single(ManifestDiagnosticIds.MissingKey, "[||]" + NoLabels, path: "/src/App/sms-spam.yaml");

        var message = diagnostic.GetMessage();
        Assert.StartsWith("Labels missing:", message, StringComparison.Ordinal);
        Assert.Contains("write the model's labels in output order, like 'labels: [ham, spam]'", message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("no lock file 'sms-spam.lock.json' beside it", message, StringComparison.Ordinal);
        Assert.Contains("The build records model.source's config.json id2label in sms-spam.lock.json before compiling", message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingLockFile_IsReportedTogetherWithOtherManifestProblems()
    {
        var harness = new GeneratorHarness();
        harness.AddManifest(ManifestPath, NoLabels + "tokenizer: { maxTokens: 1 }\n");

        var ids = harness.Run().Diagnostics.Select(d => d.Id);

        Assert.Equal(new[] { ManifestDiagnosticIds.MissingKey, ManifestDiagnosticIds.ValueOutOfRange }, ids);
    }

    [Theory]
    [InlineData("{\"labels\": []}")]
    [InlineData("{\"version\": 1}")]
    [InlineData("{}")]
    public void LockFileWithoutLabels_IsMissingKey_NamingTheLockFile(string lockText)
    {
        var diagnostic = DiagnosticAssert.Single(ManifestDiagnosticIds.MissingKey, "[||]" + NoLabels, arrange: harness => harness.AddLockFile(LockPath, lockText));

        Assert.Contains("its lock file 'spam.lock.json' has no \"labels\"", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void DuplicateLabelsInTheLockFile_AreDuplicateLabel_AtTheManifestsStart_SayingTheyCameFromTheLockFile()
    {
        var diagnostic = DiagnosticAssert.Single(
            ManifestDiagnosticIds.DuplicateLabel,
            "[||]" + NoLabels,
            arrange: harness => harness.AddLockFile(LockPath, "{\"labels\": [\"ham\", \"spam\", \"Ham\"]}"));

        Assert.Equal(
            "The labels 'ham' and 'Ham' come from the lock file 'spam.lock.json' (the manifest has no 'labels') and are equal ignoring case. Write 'labels: [...]' in the manifest with each label once, in model output order.",
            diagnostic.GetMessage());
    }

    [Fact]
    public void LockLabelsWithTheSameEnumMember_AreDuplicateLabel()
    {
        var diagnostic = DiagnosticAssert.Single(
            ManifestDiagnosticIds.DuplicateLabel,
            "[||]" + NoLabels,
            arrange: harness => harness.AddLockFile(LockPath, "{\"labels\": [\"not_spam\", \"not-spam\"]}"));

        Assert.Contains("both become the enum member 'NotSpam'", diagnostic.GetMessage(), StringComparison.Ordinal);
        Assert.Contains("lock file 'spam.lock.json'", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1star", "becomes '1star', which is not a valid C# identifier")]
    [InlineData("+", "has no letters or digits")]
    [InlineData("", "has no letters or digits")]
    public void LockLabelThatCannotBeAnEnumMember_IsInvalidLabelName_AtTheManifestsStart(string label, string reason)
    {
        var diagnostic = DiagnosticAssert.Single(
            ManifestDiagnosticIds.InvalidLabelName,
            "[||]" + NoLabels,
            arrange: harness => harness.AddLockFile(LockPath, "{\"labels\": [\"ok\", \"" + label + "\"]}"));

        var message = diagnostic.GetMessage();
        Assert.StartsWith("Label 2 '" + label + "' comes from the lock file 'spam.lock.json'", message, StringComparison.Ordinal);
        Assert.Contains(reason, message, StringComparison.Ordinal);
    }

    public static TheoryData<string, string, string> MalformedLockFiles() => new()
    {
        { "[|{|] \"labels\": [\"ham\", \"spam\"]", "this '{' is not closed; add '}' after its last item", "" },
        { "{ \"labels\": [|[|]\"ham\", \"spam\"", "this '[' is not closed; add ']' after its last item", "" },
        { "{ \"labels\": [\"ham\" [|\"|]spam\"] }", "expected ',' or ']'", "missing comma" },
        { "{ [|labels|]: [] }", "expected a property name in double quotes", "" },
        { "{ \"labels\": [|\"ham, spam\"|] }", "\"labels\" must be an array of strings like [\"ham\", \"spam\"], but it is a string", "" },
        { "{ \"labels\": [\"ham\", [|1|]] }", "item 2 of \"labels\" is a number, but labels must be strings", "" },
        { "{ \"labels\": [\"ham\", [|null|]] }", "item 2 of \"labels\" is null, but labels must be strings", "" },
        { "{ \"labels\": [\"ham\", \"spam\"[|,|] ] }", "remove this ',' before ']'; JSON allows no trailing comma", "" },
        { "{ \"labels\": [\"ham\"][|,|] }", "remove this ',' before '}'", "" },
        { "{ \"labels\": [\"ham\"], \"x\": { \"y\": 1[|,|] } }", "remove this ',' before '}'", "nested" },
        { "{ \"labels\": [\"a\"], [|\"labels\"|]: [\"b\"] }", "\"labels\" appears twice", "" },
        { "[|[\"ham\", \"spam\"]|]", "it must be a JSON object like { \"labels\": [\"ham\", \"spam\"] }, but it is an array", "" },
        { "[||]", "the file is empty", "" },
        { "{ \"labels\": [\"ham\"] }[|x|]", "there is more text after the closing '}'", "" },
        { "{ \"labels\": [\"ham\"], \"x\": [|tru|] }", "expected a value", "" },
        { "{ \"labels\": [\"ham\"], \"x\": [|01|] }", "expected a value", "leading zero" },
        { "{ \"labels\": [\"h[|\\x|]\"] }", "'\\x' is not a JSON escape", "" },
        { "{ \"labels\": [[|\"ham|]", "this string is not closed", "" },
        { "[|/|]/ comment\n{}", "expected a value", "comments" },
    };

    [Theory]
    [MemberData(nameof(MalformedLockFiles))]
    public void MalformedLockFile_IsInvalidLockFile_LocatedInTheLockFile_NamingIt(string markup, string problem, string note)
    {
        _ = note;
        var harness = new GeneratorHarness();
        harness.AddManifest(ManifestPath, NoLabels);
        string text;
        TextSpan? span = null;
        if (markup.Contains("[|", StringComparison.Ordinal))
        {
            (text, var marked) = Markup.Parse(markup);
            span = marked;
        }
        else
        {
            text = markup;
        }

        harness.AddLockFile(LockPath, text);

        var outcome = harness.Run();

        Assert.Empty(outcome.Sources);
        var diagnostic = Assert.Single(outcome.Diagnostics);
        Assert.Equal(ManifestDiagnosticIds.InvalidLockFile, diagnostic.Id);
        Assert.Equal(LockPath, diagnostic.Location.GetLineSpan().Path);
        if (span is { } expected)
        {
            Assert.Equal(expected, diagnostic.Location.SourceSpan);
            Assert.Equal(SourceText.From(text).Lines.GetLinePositionSpan(expected), diagnostic.Location.GetLineSpan().Span);
        }

        var message = diagnostic.GetMessage();
        Assert.StartsWith("The lock file 'spam.lock.json' is not valid: ", message, StringComparison.Ordinal);
        Assert.Contains(problem, message, StringComparison.Ordinal);
        Assert.EndsWith(
            "The lock file is written by `fastbert prepare`: delete it and build again, or write 'labels: [ham, spam]' in the manifest.",
            message,
            StringComparison.Ordinal);
    }

    [Fact]
    public void MalformedLockFile_ErrorOnALaterLine_HasThatLineAndColumn()
    {
        var harness = new GeneratorHarness();
        harness.AddManifest(ManifestPath, NoLabels);
        harness.AddLockFile(LockPath, "{\r\n  \"version\": 1,\r\n  \"labels\": [\"ham\", 2]\r\n}\r\n");

        var diagnostic = Assert.Single(harness.Run().Diagnostics);

        DiagnosticAssert.Position(diagnostic, 2, 20, 2, 21);
    }

    [Fact]
    public void UnreadableLockFile_IsInvalidLockFile()
    {
        var harness = new GeneratorHarness();
        harness.AddManifest(ManifestPath, NoLabels);
        harness.AddLockFile(LockPath, null);

        var diagnostic = Assert.Single(harness.Run().Diagnostics);

        Assert.Equal(ManifestDiagnosticIds.InvalidLockFile, diagnostic.Id);
        Assert.Equal(LockPath, diagnostic.Location.GetLineSpan().Path);
        Assert.StartsWith("The lock file 'spam.lock.json' could not be read.", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void DeeplyNestedLockFile_IsInvalidLockFile_NotACrash()
    {
        var harness = new GeneratorHarness();
        harness.AddManifest(ManifestPath, NoLabels);
        harness.AddLockFile(LockPath, "{\"labels\": [\"a\"], \"x\": " + new string('[', 100_000));

        var outcome = harness.Run();

        Assert.Null(outcome.Result.Exception);
        var diagnostic = Assert.Single(outcome.Diagnostics);
        Assert.Equal(ManifestDiagnosticIds.InvalidLockFile, diagnostic.Id);
        Assert.Contains("nested more than 64 levels deep", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void TwoManifests_EachTakeTheirOwnLockFile()
    {
        var harness = new GeneratorHarness();
        harness.AddManifest("/src/App/spam.yaml", NoLabels);
        harness.AddManifest("/src/App/mood.yaml", NoLabels);
        harness.AddLockFile("/src/App/spam.lock.json", "{\"labels\": [\"ham\", \"spam\"]}");
        harness.AddLockFile("/src/App/mood.lock.json", "{\"labels\": [\"sad\", \"happy\"]}");

        var outcome = harness.Run();

        Assert.Empty(outcome.Diagnostics);
        var sources = outcome.Sources.ToDictionary(s => s.HintName, s => s.SourceText.ToString());
        Assert.Contains("Spam = 1,", sources["Contoso.App.SpamClassifier.g.cs"], StringComparison.Ordinal);
        Assert.Contains("Happy = 1,", sources["Contoso.App.MoodClassifier.g.cs"], StringComparison.Ordinal);
        Assert.Empty(outcome.CompilationProblems);
    }

    // ---- The Manifest library API the build task and the tool use.

    [Fact]
    public void Parse_WithLabelsOptional_LeavesLabelsMissing_AndResolveLabelsFillsThem()
    {
        var parsed = ManifestParser.Parse(ManifestPath, NoLabels, "Contoso", new ManifestParseOptions { LabelsOptional = true });

        Assert.True(parsed.Success);
        Assert.True(parsed.LabelsMissing);
        Assert.Equal(LabelSource.Missing, parsed.Manifest!.LabelSource);
        Assert.Empty(parsed.Manifest.Labels);
        Assert.Equal(LockPath, parsed.Manifest.LockFilePath);

        var resolved = ManifestParser.ResolveLabels(parsed, ManifestLockFile.Read(LockPath, Lock));

        Assert.True(resolved.Success);
        Assert.Equal(LabelSource.LockFile, resolved.Manifest!.LabelSource);
        Assert.Equal(LockPath, resolved.Manifest.LabelsLockFile);
        Assert.Equal(new[] { "ham", "spam" }, resolved.Manifest.Labels.Select(l => l.Name));
        Assert.Equal(new[] { "Ham", "Spam" }, resolved.Manifest.Labels.Select(l => l.MemberName));
        Assert.All(resolved.Manifest.Labels, l => Assert.Equal(ManifestSpan.DocumentStart, l.Span));
    }

    [Fact]
    public void Parse_WithoutOptions_StillRequiresLabels()
    {
        var result = ManifestParser.Parse(ManifestPath, NoLabels, "Contoso");

        Assert.False(result.LabelsMissing);
        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal(ManifestDiagnosticIds.MissingKey, diagnostic.Id);
        Assert.Equal("The manifest has no 'labels' key. List the model's labels in output order, like 'labels: [ham, spam]'.", diagnostic.Message);
    }

    [Fact]
    public void Parse_WithLabelsOptional_StillRefusesAnEmptyLabelsList()
    {
        var result = ManifestParser.Parse(ManifestPath, NoLabels + "labels: []\n", "Contoso", new ManifestParseOptions { LabelsOptional = true });

        Assert.Equal(ManifestDiagnosticIds.EmptyLabels, Assert.Single(result.Diagnostics).Id);
        Assert.False(result.LabelsMissing);
    }

    [Fact]
    public void ResolveLabels_LeavesManifestsWithLabelsAsTheyAre()
    {
        var parsed = ManifestParser.Parse(ManifestPath, NoLabels + "labels: [a, b]\n", "Contoso", new ManifestParseOptions { LabelsOptional = true });

        Assert.Same(parsed, ManifestParser.ResolveLabels(parsed, null));
        Assert.Same(parsed, ManifestParser.ResolveLabels(parsed, ManifestLockFile.Read(LockPath, "oops")));
    }

    [Fact]
    public void ResolveLabels_WithAMalformedLockFile_ReportsTheProblemInTheLockFile()
    {
        var parsed = ManifestParser.Parse(ManifestPath, NoLabels, "Contoso", new ManifestParseOptions { LabelsOptional = true });

        var resolved = ManifestParser.ResolveLabels(parsed, ManifestLockFile.Read(LockPath, "{\n  \"labels\": 3\n}"));

        Assert.Null(resolved.Manifest);
        var diagnostic = Assert.Single(resolved.Diagnostics);
        Assert.Equal(ManifestDiagnosticIds.InvalidLockFile, diagnostic.Id);
        Assert.Equal(LockPath, diagnostic.File);
        Assert.Equal((1, 12, 1, 13), (diagnostic.Span.StartLine, diagnostic.Span.StartColumn, diagnostic.Span.EndLine, diagnostic.Span.EndColumn));
        Assert.StartsWith(LockPath + " FB0016 (2,13)-(2,14): ", diagnostic.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/src/App/spam.yaml", "/src/App/spam.lock.json")]
    [InlineData(@"C:\App\models\sms-spam.yml", @"C:\App\models\sms-spam.lock.json")]
    [InlineData("spam.yaml", "spam.lock.json")]
    [InlineData("models/spam", "models/spam.lock.json")]
    [InlineData("/src/App/spam.v2.yaml", "/src/App/spam.v2.lock.json")]
    public void LockFilePath_IsBesideTheManifest_NamedAfterIt(string manifestPath, string lockPath)
    {
        Assert.Equal(lockPath, ManifestLockFile.PathFor(manifestPath));
        Assert.True(ManifestLockFile.IsLockFileOf(lockPath, manifestPath));
    }

    [Fact]
    public void LockFile_ReadsEscapesAndAByteOrderMark_AndIgnoresOtherFields()
    {
        var lockFile = ManifestLockFile.Read(LockPath, "\uFEFF{ \"other\": {\"labels\": [1]}, \"labels\": [\"a\\\"b\", \"\\u00e9\\n\", \"\\/\"] }");

        Assert.Null(lockFile.Problem);
        Assert.Equal(new[] { "a\"b", "é\n", "/" }, lockFile.Labels);
    }

    [Fact]
    public void LockFiles_CompareByValue()
    {
        Assert.Equal(ManifestLockFile.Read(LockPath, Lock), ManifestLockFile.Read(LockPath, Lock.Replace("\"abc\"", "\"def\"", StringComparison.Ordinal)));
        Assert.NotEqual(ManifestLockFile.Read(LockPath, Lock), ManifestLockFile.Read(LockPath, Lock.Replace("spam\"]", "junk\"]", StringComparison.Ordinal)));
    }
}
