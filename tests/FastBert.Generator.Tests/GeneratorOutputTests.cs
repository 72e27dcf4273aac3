using System.Reflection;
using FastBert.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace FastBert.Generator.Tests;

public sealed class GeneratorOutputTests
{
    private const string SpamManifest = """
        # SMS spam filter.
        classifier: SpamClassifier
        namespace: Contoso.Messaging
        model:
          source: model/
        labels: [ham, spam]
        tokenizer: { maxTokens: 128 }
        """;

    private const string UsageCode = """
        using Contoso.Messaging;

        public static class Usage
        {
            public static SpamLabel Classify(string text)
            {
                using var classifier = SpamClassifier.Load();
                return classifier.Predict(text).Label;
            }

            public static SpamClassifier FromFolder(string folder) =>
                SpamClassifier.Load(folder, new FastBert.BertClassifierOptions { MaxBatchSize = 8 });

            public static string Name => SpamClassifier.ModelName;
        }
        """;

    [Fact]
    public void SpamManifest_GeneratesTheBaselineSource()
    {
        var harness = new GeneratorHarness();
        harness.AddManifest("/src/App/spam.yaml", SpamManifest);

        var outcome = harness.Run();

        Assert.Empty(outcome.Diagnostics);
        var source = Assert.Single(outcome.Sources);
        Assert.Equal("Contoso.Messaging.SpamClassifier.g.cs", source.HintName);
        Baseline.AssertMatches("SpamClassifier.g.cs.txt", source.SourceText.ToString());
    }

    [Fact]
    public void WithDependencyInjectionAndOptionsReferenced_AlsoGeneratesTheRegistrationBaseline_ThatCompiles()
    {
        var harness = new GeneratorHarness(dependencyInjection: true);
        harness.AddManifest("/src/App/spam.yaml", SpamManifest);

        var outcome = harness.Run("""
            using Microsoft.Extensions.DependencyInjection;
            using Contoso.Messaging;

            public static class Startup
            {
                public static IServiceCollection Configure(IServiceCollection services) =>
                    services.AddSpamClassifier(options => options.MaxBatchSize = 8);

                public static string OptionsName => SpamClassifier.OptionsName;

                public static FastBert.ITextClassifier<SpamLabel> AsInterface(SpamClassifier classifier) => classifier;
            }
            """);

        Assert.Empty(outcome.Diagnostics);
        Assert.Empty(outcome.CompilationProblems);
        Assert.Equal(["Contoso.Messaging.SpamClassifier.DependencyInjection.g.cs", "Contoso.Messaging.SpamClassifier.g.cs"], outcome.Sources.Select(s => s.HintName).Order(StringComparer.Ordinal));
        var registration = outcome.Sources.Single(s => s.HintName.EndsWith(".DependencyInjection.g.cs", StringComparison.Ordinal));
        Baseline.AssertMatches("SpamClassifier.DependencyInjection.g.cs.txt", registration.SourceText.ToString());
    }

    [Fact]
    public void GeneratedSource_CompilesWithoutErrorsOrWarnings_AgainstFastBertSdk()
    {
        var harness = new GeneratorHarness();
        harness.AddManifest("/src/App/spam.yaml", SpamManifest);

        var outcome = harness.Run(UsageCode);

        Assert.Empty(outcome.Diagnostics);
        Assert.Empty(outcome.DriverDiagnostics);
        Assert.Empty(outcome.CompilationProblems);
    }

    [Fact]
    public void GeneratedDefinition_HoldsTheManifestsLabelsAndSettings()
    {
        var harness = new GeneratorHarness();
        harness.AddManifest("/src/App/spam.yaml", SpamManifest.Replace("{ maxTokens: 128 }", "{ maxTokens: 256, lowercase: false }", StringComparison.Ordinal));

        var definition = LoadDefinition(harness.Run(), "Contoso.Messaging.SpamClassifier");

        Assert.Equal("spam", Get<string>(definition, "ModelName"));
        Assert.Equal(new[] { "ham", "spam" }, Get<IReadOnlyList<string>>(definition, "LabelNames"));
        Assert.Equal(new[] { "Ham", "Spam" }, Get<System.Collections.IEnumerable>(definition, "Labels").Cast<object>().Select(l => l.ToString()));
        Assert.Equal(256, Get<int?>(definition, "MaxTokens"));
        Assert.False(Get<bool?>(definition, "Lowercase"));
    }

    [Fact]
    public void LabelsWithQuotesBackslashesControlAndUnicodeCharacters_SurviveAsStringLiterals()
    {
        var labels = new[] { "a\"b", "back\\slash", "tab\tx", "line\u2028sep", "naïve", "emoji 😀", "<xml&doc>", "\u202Ertl" };
        var yaml = "model: { source: m }\nlabels:\n" + string.Concat(labels.Select(l => "  - " + YamlDoubleQuoted(l) + "\n"));
        var harness = new GeneratorHarness();
        harness.AddManifest("/src/App/odd.yaml", yaml);

        var outcome = harness.Run();
        var definition = LoadDefinition(outcome, "Contoso.App.OddClassifier");

        Assert.Equal(labels, Get<IReadOnlyList<string>>(definition, "LabelNames"));
        Assert.Equal(
            new[] { "AB", "BackSlash", "TabX", "LineSep", "Naïve", "Emoji", "XmlDoc", "Rtl" },
            Get<System.Collections.IEnumerable>(definition, "Labels").Cast<object>().Select(l => l.ToString()));
        var source = outcome.Sources.Single().SourceText.ToString();
        Assert.DoesNotContain("\u202E", source, StringComparison.Ordinal);
        Assert.DoesNotContain("\u2028", source, StringComparison.Ordinal);
    }

    [Fact]
    public void DefaultNames_ComeFromTheFileNameAndRootNamespace()
    {
        var harness = new GeneratorHarness(rootNamespace: "My.Shop");
        harness.AddManifest("/src/App/models/sms-spam.yaml", "model: { source: . }\nlabels: [ham, spam]\n");

        var outcome = harness.Run("public static class Usage { public static My.Shop.SmsSpamLabel L => My.Shop.SmsSpamLabel.Spam; }");

        Assert.Equal("My.Shop.SmsSpamClassifier.g.cs", Assert.Single(outcome.Sources).HintName);
        Assert.Contains("public const string ModelName = \"sms-spam\";", outcome.Sources[0].SourceText.ToString(), StringComparison.Ordinal);
        Assert.Empty(outcome.CompilationProblems);
    }

    [Fact]
    public void TwoManifests_GenerateTwoFiles_ThatCompileTogether()
    {
        var harness = new GeneratorHarness();
        harness.AddManifest("/src/App/spam.yaml", "model: { source: m }\nlabels: [ham, spam]\n");
        harness.AddManifest("/src/App/sentiment.yaml", "model: { source: m }\nlabels: [negative, neutral, positive]\n");

        var outcome = harness.Run();

        Assert.Equal(
            new[] { "Contoso.App.SentimentClassifier.g.cs", "Contoso.App.SpamClassifier.g.cs" },
            outcome.Sources.Select(s => s.HintName).OrderBy(n => n, StringComparer.Ordinal));
        Assert.Empty(outcome.CompilationProblems);
    }

    [Fact]
    public void AdditionalFilesWithoutManifestMetadata_AreIgnored()
    {
        var harness = new GeneratorHarness();
        harness.AddOtherFile("/src/App/settings.yaml", "labels: {{{ not even yaml");

        var outcome = harness.Run();

        Assert.Empty(outcome.Sources);
        Assert.Empty(outcome.Diagnostics);
    }

    [Fact]
    public void UserCanExtendTheGeneratedPartialClass()
    {
        var harness = new GeneratorHarness();
        harness.AddManifest("/src/App/spam.yaml", SpamManifest);

        var outcome = harness.Run("""
            namespace Contoso.Messaging
            {
                public sealed partial class SpamClassifier
                {
                    public bool IsSpam(string text) => Predict(text).Label == SpamLabel.Spam;
                }
            }
            """);

        Assert.Empty(outcome.CompilationProblems);
    }

    [Fact]
    public void Output_IsTheSameOnEveryRun()
    {
        string Generate()
        {
            var harness = new GeneratorHarness();
            harness.AddManifest("/src/App/spam.yaml", SpamManifest);
            return harness.Run().Sources.Single().SourceText.ToString();
        }

        Assert.Equal(Generate(), Generate());
    }

    private static object LoadDefinition(GeneratorOutcome outcome, string className)
    {
        Assert.Empty(outcome.Diagnostics);
        Assert.Empty(outcome.CompilationProblems);
        using var stream = new MemoryStream();
        var emit = outcome.Output.Emit(stream);
        Assert.True(emit.Success, string.Join(Environment.NewLine, emit.Diagnostics));
        var assembly = Assembly.Load(stream.ToArray());
        var type = assembly.GetType(className, throwOnError: true)!;
        return type.GetProperty("Definition", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
    }

    private static T Get<T>(object instance, string property) =>
        (T)instance.GetType().GetProperty(property)!.GetValue(instance)!;

    private static string YamlDoubleQuoted(string value)
    {
        var builder = new System.Text.StringBuilder("\"");
        foreach (var c in value)
        {
            builder.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\t' => "\\t",
                _ when char.IsControl(c) || c is '\u2028' or '\u202E' => "\\u" + ((int)c).ToString("X4", System.Globalization.CultureInfo.InvariantCulture),
                _ => c.ToString(),
            });
        }

        return builder.Append('"').ToString();
    }
}
