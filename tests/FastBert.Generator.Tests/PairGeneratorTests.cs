using System.Reflection;
using FastBert.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace FastBert.Generator.Tests;

/// <summary>
/// Sentence-pair manifests: the generated classifier takes the manifest's two parts (named after them) in Predict,
/// PredictBatch and their async forms, has no single-text Predict, and derives from the pair base.
/// </summary>
public sealed class PairGeneratorTests
{
    private const string NliManifest = """
        classifier: NliClassifier
        namespace: Contoso.Inference
        inputs: [premise, hypothesis]
        model:
          source: model/
        labels: [entailment, neutral, contradiction]
        """;

    private const string UsageCode = """
        using System.Collections.Generic;
        using System.Threading.Tasks;
        using Contoso.Inference;
        using FastBert;

        public static class Usage
        {
            public static bool Entails(NliClassifier classifier, string premise, string hypothesis) =>
                classifier.Predict(premise: premise, hypothesis: hypothesis).Label == NliLabel.Entailment;

            public static IReadOnlyList<Prediction<NliLabel>> Many(NliClassifier classifier, IReadOnlyList<string> p, IReadOnlyList<string> h) =>
                classifier.PredictBatch(premises: p, hypotheses: h);

            public static Task<Prediction<NliLabel>> One(NliClassifier classifier) =>
                classifier.PredictAsync("A man plays a guitar.", "A man makes music.");

            public static Task<IReadOnlyList<Prediction<NliLabel>>> ManyAsync(NliClassifier classifier, IReadOnlyList<string> p, IReadOnlyList<string> h) =>
                classifier.PredictBatchAsync(p, h, System.Threading.CancellationToken.None);

            public static ITextPairClassifier<NliLabel> AsInterface(NliClassifier classifier) => classifier;
        }
        """;

    [Fact]
    public void NamedInputs_GiveMethodsWithTheirNames_AndTheirPlurals()
    {
        var assembly = Compile(NliManifest, UsageCode);
        var type = assembly.GetType("Contoso.Inference.NliClassifier", throwOnError: true)!;
        var label = assembly.GetType("Contoso.Inference.NliLabel", throwOnError: true)!;
        var prediction = typeof(Prediction<>).MakeGenericType(label);
        var predictions = typeof(IReadOnlyList<>).MakeGenericType(prediction);

        Assert.Equal(typeof(BertPairClassifier<>).MakeGenericType(label), type.BaseType);
        Assert.Equal(
            [
                $"{prediction} Predict(String premise, String hypothesis)",
                $"{typeof(Task<>).MakeGenericType(prediction)} PredictAsync(String premise, String hypothesis, CancellationToken cancellationToken)",
                $"{predictions} PredictBatch(IReadOnlyList`1 premises, IReadOnlyList`1 hypotheses)",
                $"{typeof(Task<>).MakeGenericType(predictions)} PredictBatchAsync(IReadOnlyList`1 premises, IReadOnlyList`1 hypotheses, CancellationToken cancellationToken)",
            ],
            PublicPredictMethods(type));
        Assert.Contains(typeof(ITextPairClassifier<>).MakeGenericType(label), type.GetInterfaces());
        Assert.DoesNotContain(type.GetInterfaces(), i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(ITextClassifier<>));
    }

    [Fact]
    public void InputPair_NamesTheParametersTextAndTextPair()
    {
        var assembly = Compile(NliManifest.Replace("inputs: [premise, hypothesis]", "input: pair", StringComparison.Ordinal));
        var type = assembly.GetType("Contoso.Inference.NliClassifier", throwOnError: true)!;

        Assert.Equal(
            ["Predict(text, textPair)", "PredictAsync(text, textPair, cancellationToken)", "PredictBatch(texts, textPairs)", "PredictBatchAsync(texts, textPairs, cancellationToken)"],
            PublicPredictMethods(type, withTypes: false));
    }

    [Fact]
    public void APairClassifier_HasNoSingleTextPredict()
    {
        var harness = new GeneratorHarness();
        harness.AddManifest("/src/App/nli.yaml", NliManifest);

        var outcome = harness.Run("public static class Usage { public static object One(Contoso.Inference.NliClassifier c) => c.Predict(\"one text\"); }");

        Assert.Empty(outcome.Diagnostics);
        var error = Assert.Single(outcome.CompilationProblems);
        Assert.Equal("CS7036", error.Id); // no argument for 'hypothesis'
        Assert.Contains("hypothesis", error.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Fact]
    public void MultiLabelPair_UsesTheMultiLabelPairBase_AndReturnsLabelSets()
    {
        var manifest = NliManifest.Replace("inputs:", "problem: multi-label\ninputs:", StringComparison.Ordinal);
        var assembly = Compile(manifest, """
            using Contoso.Inference;
            public static class Usage
            {
                public static bool Both(NliClassifier c) => c.Predict("a", "b").Labels == (NliLabel.Entailment | NliLabel.Neutral);
                public static FastBert.IMultiLabelTextPairClassifier<NliLabel> AsInterface(NliClassifier c) => c;
            }
            """);
        var type = assembly.GetType("Contoso.Inference.NliClassifier", throwOnError: true)!;
        var label = assembly.GetType("Contoso.Inference.NliLabel", throwOnError: true)!;

        Assert.Equal(typeof(MultiLabelBertPairClassifier<>).MakeGenericType(label), type.BaseType);
        Assert.Equal(typeof(MultiLabelPrediction<>).MakeGenericType(label), type.GetMethod("Predict")!.ReturnType);
        Assert.Equal(["Predict(premise, hypothesis)", "PredictAsync(premise, hypothesis, cancellationToken)", "PredictBatch(premises, hypotheses)", "PredictBatchAsync(premises, hypotheses, cancellationToken)"],
            PublicPredictMethods(type, withTypes: false));
    }

    [Fact]
    public void KeywordParts_AreEscaped_AndTheirDocsAreValid()
    {
        var harness = new GeneratorHarness();
        harness.AddManifest("/src/App/nli.yaml", NliManifest.Replace("[premise, hypothesis]", "[class, \"search query\"]", StringComparison.Ordinal));

        var outcome = harness.Run("public static class Usage { public static object One(Contoso.Inference.NliClassifier c) => c.Predict(@class: \"a\", searchQuery: \"b\"); }");

        Assert.Empty(outcome.Diagnostics);
        Assert.Empty(outcome.CompilationProblems);
        var source = Assert.Single(outcome.Sources).SourceText.ToString();
        Assert.Contains("PredictBatch(global::System.Collections.Generic.IReadOnlyList<string> classes, global::System.Collections.Generic.IReadOnlyList<string> searchQueries)", source, StringComparison.Ordinal);

        // The XML docs' param and paramref names match the parameters (CS1572/CS1573/CS1734 would say otherwise).
        var documented = outcome.Input.AddSyntaxTrees(CSharpSyntaxTree.ParseText(
            source, GeneratorHarness.ParseOptions.WithDocumentationMode(DocumentationMode.Diagnose), path: "Nli.g.cs"));
        Assert.Empty(documented.GetDiagnostics().Where(d => d.Id is not "CS1591" && d.Severity >= DiagnosticSeverity.Warning));
    }

    [Fact]
    public void DependencyInjection_RegistersThePairInterface()
    {
        var harness = new GeneratorHarness(dependencyInjection: true);
        harness.AddManifest("/src/App/nli.yaml", NliManifest);

        var outcome = harness.Run("""
            using Contoso.Inference;
            using Microsoft.Extensions.DependencyInjection;
            public static class Startup
            {
                public static IServiceCollection Configure(IServiceCollection services) => services.AddNliClassifier();

                public static FastBert.ITextPairClassifier<NliLabel> Resolve(System.IServiceProvider provider) =>
                    provider.GetRequiredService<FastBert.ITextPairClassifier<NliLabel>>();
            }
            """);

        Assert.Empty(outcome.Diagnostics);
        Assert.Empty(outcome.CompilationProblems);
        Assert.Contains(
            "TryAddSingleton<global::FastBert.ITextPairClassifier<global::Contoso.Inference.NliLabel>>",
            outcome.Sources.Single(s => s.HintName.EndsWith(".DependencyInjection.g.cs", StringComparison.Ordinal)).SourceText.ToString(),
            StringComparison.Ordinal);
    }

    [Fact]
    public void MovingThePartsLeavesTheSourceCached_RenamingOneReEmitsIt()
    {
        var harness = new GeneratorHarness();
        var manifest = harness.AddManifest("/src/App/nli.yaml", NliManifest);
        var compilation = GeneratorHarness.CreateCompilation("public static class Code { }");
        var driver = harness.CreateDriver().RunGenerators(compilation);

        var movedText = new InMemoryAdditionalText("/src/App/nli.yaml", "# the NLI model\n" + NliManifest);
        var moved = driver.ReplaceAdditionalText(manifest, movedText).RunGenerators(compilation);
        var movedResult = moved.GetRunResult().Results.Single();
        var renamed = moved.ReplaceAdditionalText(
            movedText, new InMemoryAdditionalText("/src/App/nli.yaml", NliManifest.Replace("hypothesis]", "claim]", StringComparison.Ordinal)));
        var renamedResult = renamed.RunGenerators(compilation).GetRunResult().Results.Single();

        Assert.All(movedResult.TrackedSteps[TrackingNames.Emittable].SelectMany(step => step.Outputs),
            output => Assert.True(output.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, output.Reason.ToString()));
        Assert.Contains(renamedResult.TrackedSteps[TrackingNames.Emittable].SelectMany(step => step.Outputs), output => output.Reason == IncrementalStepRunReason.Modified);
        Assert.Contains("PredictBatch(global::System.Collections.Generic.IReadOnlyList<string> premises, global::System.Collections.Generic.IReadOnlyList<string> claims)",
            renamedResult.GeneratedSources.Single().SourceText.ToString(), StringComparison.Ordinal);
    }

    private static Assembly Compile(string manifest, string code = "")
    {
        var harness = new GeneratorHarness();
        harness.AddManifest("/src/App/nli.yaml", manifest);
        var outcome = harness.Run(code);
        Assert.Empty(outcome.Diagnostics);
        Assert.Empty(outcome.CompilationProblems);
        using var stream = new MemoryStream();
        Assert.True(outcome.Output.Emit(stream).Success);
        return Assembly.Load(stream.ToArray());
    }

    // The Predict* methods the class itself declares, as "Return Name(Type name, ...)" (or "Name(name, ...)"), by name.
    private static List<string> PublicPredictMethods(Type type, bool withTypes = true) =>
        type.GetMethods(BindingFlags.Public | BindingFlags.Instance)
            .Where(m => m.Name.StartsWith("Predict", StringComparison.Ordinal))
            .OrderBy(m => m.Name, StringComparer.Ordinal)
            .Select(m => (withTypes ? m.ReturnType + " " : string.Empty) + m.Name + "("
                + string.Join(", ", m.GetParameters().Select(p => (withTypes ? p.ParameterType.Name + " " : string.Empty) + p.Name)) + ")")
            .ToList();
}
