using System.Reflection;
using FastBert.Generator.Tests.Infrastructure;

namespace FastBert.Generator.Tests;

/// <summary><c>problem: multi-label</c>: a [Flags] enum with one bit per label and a MultiLabelBertClassifier.</summary>
public sealed class MultiLabelGeneratorTests
{
    private const string DebtagsManifest = """
        classifier: DebtagsClassifier
        namespace: Contoso.Packages
        problem: multi-label
        model:
          source: model/
        labels: ["works-with::text", "use::editing", "use::viewing"]
        """;

    private const string UsageCode = """
        using System.Collections.Generic;
        using System.Threading.Tasks;
        using Contoso.Packages;
        using FastBert;

        public static class Usage
        {
            public const DebtagsLabel EditorTags = DebtagsLabel.UseEditing | DebtagsLabel.WorksWithText;

            public static bool IsEditor(string description)
            {
                using var classifier = DebtagsClassifier.Load();
                MultiLabelPrediction<DebtagsLabel> prediction = classifier.Predict(description);
                return (prediction.Labels & EditorTags) == EditorTags && prediction.Contains(DebtagsLabel.UseEditing) && prediction[DebtagsLabel.UseViewing] >= 0;
            }

            public static Task<IReadOnlyList<MultiLabelPrediction<DebtagsLabel>>> Many(DebtagsClassifier classifier, IReadOnlyList<string> texts) =>
                classifier.PredictBatchAsync(texts);
        }
        """;

    [Fact]
    public void MultiLabelManifest_GeneratesTheBaselineSource()
    {
        var harness = new GeneratorHarness();
        harness.AddManifest("/src/App/debtags.yaml", DebtagsManifest);

        var outcome = harness.Run();

        Assert.Empty(outcome.Diagnostics);
        Baseline.AssertMatches("DebtagsClassifier.g.cs.txt", Assert.Single(outcome.Sources).SourceText.ToString());
    }

    [Fact]
    public void FlagsEnumAndMultiLabelApi_CompileInUserCode_WithOneBitPerLabel()
    {
        var harness = new GeneratorHarness();
        harness.AddManifest("/src/App/debtags.yaml", DebtagsManifest);

        var outcome = harness.Run(UsageCode);

        Assert.Empty(outcome.Diagnostics);
        Assert.Empty(outcome.CompilationProblems);
        using var stream = new MemoryStream();
        Assert.True(outcome.Output.Emit(stream).Success);
        var assembly = Assembly.Load(stream.ToArray());
        var labels = assembly.GetType("Contoso.Packages.DebtagsLabel", throwOnError: true)!;
        Assert.NotNull(labels.GetCustomAttribute<FlagsAttribute>());
        Assert.Equal([1, 2, 4], Enum.GetValues(labels).Cast<object>().Select(Convert.ToInt64));
        Assert.Equal(typeof(MultiLabelBertClassifier<>), assembly.GetType("Contoso.Packages.DebtagsClassifier")!.BaseType!.GetGenericTypeDefinition());
    }

    [Fact]
    public void FortyLabels_GetALongEnum()
    {
        var harness = new GeneratorHarness();
        var labels = string.Join(", ", Enumerable.Range(0, 40).Select(i => "tag" + i));
        harness.AddManifest("/src/App/many.yaml", "namespace: Big.Tags\nproblem: multi-label\nmodel: { source: model/ }\nlabels: [" + labels + "]\n");

        var outcome = harness.Run("public static class Usage { public static long Last => (long)Big.Tags.ManyLabel.Tag39; }");

        Assert.Empty(outcome.Diagnostics);
        Assert.Empty(outcome.CompilationProblems);
        Assert.Contains("Tag39 = 1L << 39,", Assert.Single(outcome.Sources).SourceText.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("problem: sometimes\nmodel: { source: model/ }\nlabels: [a, b]\n", "FB0003")]
    [InlineData("problem: [multi-label]\nmodel: { source: model/ }\nlabels: [a, b]\n", "FB0003")]
    public void AProblemThatIsNotSingleOrMultiLabel_IsWrongType(string manifest, string id)
    {
        var harness = new GeneratorHarness();
        harness.AddManifest("/src/App/bad.yaml", manifest);

        var diagnostic = Assert.Single(harness.Run().Diagnostics);

        Assert.Equal(id, diagnostic.Id);
        Assert.Contains("multi-label", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        Assert.Equal(0, diagnostic.Location.GetLineSpan().StartLinePosition.Line);
    }

    [Fact]
    public void MoreThanSixtyFourMultiLabelLabels_IsOutOfRangeAtLabels()
    {
        var harness = new GeneratorHarness();
        var labels = string.Join(", ", Enumerable.Range(0, 65).Select(i => "tag" + i));
        harness.AddManifest("/src/App/many.yaml", "problem: multi-label\nmodel: { source: model/ }\nlabels: [" + labels + "]\n");

        var diagnostic = Assert.Single(harness.Run().Diagnostics);

        Assert.Equal("FB0009", diagnostic.Id);
        Assert.Equal(2, diagnostic.Location.GetLineSpan().StartLinePosition.Line);
    }
}
