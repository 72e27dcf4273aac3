using System.Globalization;
using FastBert.Manifest;

namespace FastBert.Generator.Tests;

public sealed class ManifestParserTests
{
    private const string Minimal = "model: { source: model/ }\nlabels: [ham, spam]\n";

    [Theory]
    [InlineData("ham", "Ham")]
    [InlineData("not_spam", "NotSpam")]
    [InlineData("very-positive", "VeryPositive")]
    [InlineData("two words", "TwoWords")]
    [InlineData("sci.fi", "SciFi")]
    [InlineData("LABEL_0", "LABEL0")]
    [InlineData("iPhone", "IPhone")]
    [InlineData("Spam", "Spam")]
    [InlineData("über", "Über")]
    [InlineData("info", "Info")]
    [InlineData("日本", "日本")]
    [InlineData("1star", "1star")]
    [InlineData("+", "")]
    [InlineData("__class__", "Class")]
    public void ToPascalCase_SplitsOnNonAlphanumerics_AndUppercasesEachWordsFirstLetter(string text, string expected)
    {
        Assert.Equal(expected, ManifestNames.ToPascalCase(text));
    }

    [Theory]
    [InlineData("spam.yaml", "SpamClassifier", "SpamLabel", "spam")]
    [InlineData("/repo/models/sms-spam.yaml", "SmsSpamClassifier", "SmsSpamLabel", "sms-spam")]
    [InlineData(@"C:\repo\sms_spam.yml", "SmsSpamClassifier", "SmsSpamLabel", "sms_spam")]
    [InlineData("models/spam-classifier.yaml", "SpamClassifier", "SpamLabel", "spam-classifier")]
    [InlineData("sentiment", "SentimentClassifier", "SentimentLabel", "sentiment")]
    public void Defaults_ComeFromTheFileName(string path, string className, string enumName, string modelName)
    {
        var manifest = ParseValid(path, Minimal, "Contoso");

        Assert.Equal(className, manifest.ClassName);
        Assert.Null(manifest.ClassNameSpan);
        Assert.Equal(enumName, manifest.EnumName);
        Assert.Equal(modelName, manifest.ModelName);
    }

    [Theory]
    [InlineData("SpamClassifier", "SpamLabel")]
    [InlineData("Sentiment", "SentimentLabel")]
    [InlineData("Classifier", "Label")]
    public void EnumName_DropsTheClassifierSuffix_AndAddsLabel(string className, string expected)
    {
        Assert.Equal(expected, ManifestNames.EnumName(className));
    }

    [Theory]
    [InlineData("Contoso.Web", "Contoso.Web")]
    [InlineData(null, ManifestParser.DefaultNamespace)]
    [InlineData("", ManifestParser.DefaultNamespace)]
    [InlineData("  ", ManifestParser.DefaultNamespace)]
    public void Namespace_DefaultsToTheRootNamespace_ThenFastBertGenerated(string? rootNamespace, string expected)
    {
        Assert.Equal(expected, ParseValid("spam.yaml", Minimal, rootNamespace).Namespace);
    }

    [Fact]
    public void NamespaceInTheManifest_WinsOverTheRootNamespace()
    {
        Assert.Equal("Contoso.Messaging", ParseValid("spam.yaml", "namespace: Contoso.Messaging\n" + Minimal, "Contoso.Web").Namespace);
    }

    [Fact]
    public void FullManifest_ParsesEveryValue_WithPositions()
    {
        const string Text = """
            classifier: SpamFilter
            namespace: Contoso.Messaging
            model:
              source: ../models/spam/
            labels:
              - ham
              - "spam!"
            tokenizer:
              maxTokens: 256
              lowercase: false
            """;

        var manifest = ParseValid("/repo/app/spam.yaml", Text, null);

        Assert.Equal("SpamFilter", manifest.ClassName);
        Assert.Equal(new ManifestSpan(12, 10, 0, 12, 0, 22), manifest.ClassNameSpan);
        Assert.Equal("SpamFilterLabel", manifest.EnumName);
        Assert.Equal("Contoso.Messaging", manifest.Namespace);
        Assert.Equal("Contoso.Messaging.SpamFilter", manifest.FullClassName);
        Assert.Equal("../models/spam/", manifest.ModelSource);
        Assert.Equal(3, manifest.ModelSourceSpan.StartLine);
        Assert.Equal(10, manifest.ModelSourceSpan.StartColumn);
        Assert.Equal(new[] { "ham", "spam!" }, manifest.Labels.Select(l => l.Name));
        Assert.Equal(new[] { "Ham", "Spam" }, manifest.Labels.Select(l => l.MemberName));
        Assert.Equal((6, 4, 6, 11), (manifest.Labels[1].Span.StartLine, manifest.Labels[1].Span.StartColumn, manifest.Labels[1].Span.EndLine, manifest.Labels[1].Span.EndColumn));
        Assert.Equal(256, manifest.MaxTokens);
        Assert.False(manifest.Lowercase);
    }

    [Fact]
    public void OptionalTokenizerSettings_AreNullWhenAbsent()
    {
        var manifest = ParseValid("spam.yaml", Minimal + "tokenizer:\n", null);

        Assert.Null(manifest.MaxTokens);
        Assert.Null(manifest.Lowercase);
    }

    [Fact]
    public void AnchorsAndAliases_AreResolved()
    {
        var manifest = ParseValid("spam.yaml", "model: { source: &src model/ }\nlabels: [ham, *src]\n", null);

        Assert.Equal(new[] { "ham", "model/" }, manifest.Labels.Select(l => l.Name));
    }

    [Fact]
    public void YamlTags_AreIgnored()
    {
        var manifest = ParseValid("spam.yaml", "model: !local { source: !!str model/ }\nlabels: !!seq [ham, !!str spam]\n", null);

        Assert.Equal(new[] { "ham", "spam" }, manifest.Labels.Select(l => l.Name));
    }

    [Theory]
    [InlineData("de-DE")]
    [InlineData("tr-TR")]
    [InlineData("ar-SA")]
    public void Parsing_DoesNotDependOnTheCurrentCulture(string culture)
    {
        const string Text = "model: { source: m }\nlabels: [info, title]\ntokenizer: { maxTokens: 1024, lowercase: TRUE }\n";
        var invariant = ManifestParser.Parse("spam.yaml", Text, "Contoso");
        var previous = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        ManifestParseResult cultured;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(culture);
            cultured = ManifestParser.Parse("spam.yaml", Text, "Contoso");
            var repeated = ManifestParser.Parse("spam.yaml", Text + "tokenizer: { maxTokens: 64 }\n", "Contoso");
            Assert.Contains("line 3", repeated.Diagnostics.Single().Message, StringComparison.Ordinal);
            var decimalTokens = ManifestParser.Parse("spam.yaml", "model: { source: m }\nlabels: [a, b]\ntokenizer: { maxTokens: 1.5 }\n", "Contoso");
            Assert.Equal(ManifestDiagnosticIds.WrongType, decimalTokens.Diagnostics.Single().Id);
        }
        finally
        {
            (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = previous;
        }

        Assert.Equal(invariant, cultured);
        Assert.Equal(new[] { "Info", "Title" }, cultured.Manifest!.Labels.Select(l => l.MemberName));
        Assert.Equal(1024, cultured.Manifest.MaxTokens);
        Assert.True(cultured.Manifest.Lowercase);
    }

    [Fact]
    public void ResolveModelDirectory_IsRelativeToTheManifestsFolder()
    {
        var root = Path.GetTempPath();
        var manifestPath = Path.Combine(root, "app", "spam.yaml");
        var manifest = ParseValid(manifestPath, "model: { source: ../models/spam/ }\nlabels: [a, b]\n", null);

        Assert.Equal(Path.GetFullPath(Path.Combine(root, "models", "spam")), manifest.ResolveModelDirectory());
    }

    [Fact]
    public void ResolveModelSource_KeepsAbsolutePaths_AndRefusesHubSources()
    {
        var absolute = Path.Combine(Path.GetTempPath(), "models", "spam");

        Assert.Equal(Path.GetFullPath(absolute), ManifestPaths.ResolveModelSource("/anywhere/spam.yaml", absolute));
        Assert.Null(ManifestPaths.ResolveModelSource("/anywhere/spam.yaml", "hf:prajjwal1/bert-tiny@main"));
        Assert.Null(ManifestPaths.ResolveModelSource("/anywhere/spam.yaml", "  "));
    }

    [Fact]
    public void Parse_NeverReturnsAManifestTogetherWithDiagnostics()
    {
        var result = ManifestParser.Parse("spam.yaml", "model: { source: m }\nlabels: [a, a]\n", null);

        Assert.False(result.Success);
        Assert.Null(result.Manifest);
        Assert.Equal(ManifestDiagnosticIds.DuplicateLabel, Assert.Single(result.Diagnostics).Id);
    }

    [Fact]
    public void DiagnosticIds_AreUniqueAndPrefixed()
    {
        Assert.Equal(ManifestDiagnosticIds.All.Count, ManifestDiagnosticIds.All.Distinct().Count());
        Assert.All(ManifestDiagnosticIds.All, id => Assert.Matches("^FB[0-9]{4}$", id));
    }

    private static ClassifierManifest ParseValid(string path, string text, string? rootNamespace)
    {
        var result = ManifestParser.Parse(path, text, rootNamespace);
        Assert.True(result.Success, string.Join(Environment.NewLine, result.Diagnostics));
        return result.Manifest!;
    }
}
