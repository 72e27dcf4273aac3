using System.Collections.Immutable;
using FastBert.Generator.Tests.Infrastructure;
using FastBert.Manifest;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace FastBert.Generator.Tests;

/// <summary>The generator reparses and re-emits only when a manifest really changes.</summary>
public sealed class IncrementalityTests
{
    private const string ManifestPath = "/src/App/spam.yaml";
    private const string Manifest = "model: { source: m }\nlabels: [ham, spam]\n";
    private const string LockPath = "/src/App/spam.lock.json";
    private const string ManifestWithoutLabels = "model: { source: hf:org/name }\n";
    private const string Lock = "{ \"labels\": [\"ham\", \"spam\"], \"sha256\": \"abc\" }";

    [Fact]
    public void EditingUnrelatedCode_DoesNotReparseManifest_OrReEmitSource()
    {
        var (driver, compilation) = FirstRun(Manifest);
        var edited = compilation.ReplaceSyntaxTree(
            compilation.SyntaxTrees.Single(),
            CSharpSyntaxTree.ParseText("public static class Code { public static int Answer => 42; }", GeneratorHarness.ParseOptions, path: "Code0.cs"));

        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        // Without lock files no LockFiles step output reaches a source output, so Roslyn reports only the set.
        AssertReasons(result, TrackingNames.Manifests, IncrementalStepRunReason.Cached);
        AssertReasons(result, TrackingNames.LockFileSet, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        AssertReasons(result, TrackingNames.ResolvedManifests, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        AssertReasons(result, TrackingNames.ValidManifests, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        AssertReasons(result, TrackingNames.Clashes, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        AssertReasons(result, TrackingNames.Emittable, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        AssertOutputReasons(result, IncrementalStepRunReason.Cached);
    }

    [Fact]
    public void EditingUnrelatedCode_WithLabelsFromALockFile_LeavesEveryStepCachedOrUnchanged()
    {
        var harness = new GeneratorHarness();
        harness.AddManifest(ManifestPath, ManifestWithoutLabels);
        harness.AddLockFile(LockPath, Lock);
        var compilation = GeneratorHarness.CreateCompilation("public static class Code { }");
        var driver = harness.CreateDriver().RunGenerators(compilation);
        Assert.Contains("Spam = 1,", driver.GetRunResult().GeneratedTrees.Single().ToString(), StringComparison.Ordinal);
        var edited = compilation.ReplaceSyntaxTree(
            compilation.SyntaxTrees.Single(),
            CSharpSyntaxTree.ParseText("public static class Code { public static int Answer => 42; }", GeneratorHarness.ParseOptions, path: "Code0.cs"));

        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        AssertReasons(result, TrackingNames.Manifests, IncrementalStepRunReason.Cached);
        AssertReasons(result, TrackingNames.LockFiles, IncrementalStepRunReason.Cached);
        AssertReasons(result, TrackingNames.LockFileSet, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        AssertReasons(result, TrackingNames.ResolvedManifests, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        AssertReasons(result, TrackingNames.ValidManifests, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        AssertReasons(result, TrackingNames.Clashes, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        AssertReasons(result, TrackingNames.Emittable, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        AssertOutputReasons(result, IncrementalStepRunReason.Cached);
    }

    [Fact]
    public void EditingTheLabelsInTheLockFile_ReEmitsWithTheNewLabels()
    {
        var harness = new GeneratorHarness();
        harness.AddManifest(ManifestPath, ManifestWithoutLabels);
        var lockFile = harness.AddLockFile(LockPath, Lock);
        var compilation = GeneratorHarness.CreateCompilation("public static class Code { }");
        var driver = harness.CreateDriver().RunGenerators(compilation);

        driver = driver.ReplaceAdditionalText(lockFile, new InMemoryAdditionalText(LockPath, Lock.Replace("\"spam\"", "\"junk\"", StringComparison.Ordinal)));
        var result = driver.RunGenerators(compilation).GetRunResult().Results.Single();

        AssertReasons(result, TrackingNames.Manifests, IncrementalStepRunReason.Cached);
        AssertReasons(result, TrackingNames.LockFiles, IncrementalStepRunReason.Modified);
        AssertReasons(result, TrackingNames.ResolvedManifests, IncrementalStepRunReason.Modified);
        AssertReasons(result, TrackingNames.Emittable, IncrementalStepRunReason.Modified);
        AssertOutputReasons(result, IncrementalStepRunReason.Modified);
        Assert.Contains("Junk = 1,", result.GeneratedSources.Single().SourceText.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void EditingOtherFieldsOfTheLockFile_DoesNotReEmit()
    {
        var harness = new GeneratorHarness();
        harness.AddManifest(ManifestPath, ManifestWithoutLabels);
        var lockFile = harness.AddLockFile(LockPath, Lock);
        var compilation = GeneratorHarness.CreateCompilation("public static class Code { }");
        var driver = harness.CreateDriver().RunGenerators(compilation);

        driver = driver.ReplaceAdditionalText(lockFile, new InMemoryAdditionalText(LockPath, Lock.Replace("abc", "def", StringComparison.Ordinal)));
        var result = driver.RunGenerators(compilation).GetRunResult().Results.Single();

        AssertReasons(result, TrackingNames.LockFiles, IncrementalStepRunReason.Unchanged);
        AssertReasons(result, TrackingNames.LockFileSet, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        AssertReasons(result, TrackingNames.ResolvedManifests, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        AssertReasons(result, TrackingNames.Emittable, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        AssertOutputReasons(result, IncrementalStepRunReason.Cached);
    }

    [Fact]
    public void EditingALockFile_DoesNotReEmitAManifestThatHasItsOwnLabels()
    {
        var harness = new GeneratorHarness();
        harness.AddManifest(ManifestPath, ManifestWithoutLabels);
        var lockFile = harness.AddLockFile(LockPath, Lock);
        harness.AddManifest("/src/App/mood.yaml", "model: { source: m }\nlabels: [sad, happy]\n");
        var compilation = GeneratorHarness.CreateCompilation("public static class Code { }");
        var driver = harness.CreateDriver().RunGenerators(compilation);

        driver = driver.ReplaceAdditionalText(lockFile, new InMemoryAdditionalText(LockPath, Lock.Replace("\"spam\"", "\"junk\"", StringComparison.Ordinal)));
        var result = driver.RunGenerators(compilation).GetRunResult().Results.Single();

        var emitted = result.TrackedSteps[TrackingNames.Emittable].SelectMany(step => step.Outputs).ToList();
        Assert.Equal(2, emitted.Count);
        Assert.Single(emitted, output => output.Reason == IncrementalStepRunReason.Modified && ClassNameOf(output.Value) == "SpamClassifier");
        Assert.Single(emitted, output => output.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged && ClassNameOf(output.Value) == "MoodClassifier");
        var reasons = SourceOutputs(result).Select(output => output.Reason).OrderBy(reason => reason).ToList();
        Assert.Equal(new[] { IncrementalStepRunReason.Modified, IncrementalStepRunReason.Cached }.OrderBy(reason => reason), reasons);
    }

    [Fact]
    public void AddingTheLockFileLater_CompletesTheManifest()
    {
        var harness = new GeneratorHarness();
        harness.AddManifest(ManifestPath, ManifestWithoutLabels);
        var compilation = GeneratorHarness.CreateCompilation("public static class Code { }");
        var driver = harness.CreateDriver().RunGenerators(compilation);
        Assert.Equal(ManifestDiagnosticIds.MissingKey, Assert.Single(driver.GetRunResult().Diagnostics).Id);

        harness.Options.ForFile(LockPath)[ClassifierGenerator.LockMetadataKey] = "true";
        driver = driver.AddAdditionalTexts(ImmutableArray.Create<AdditionalText>(new InMemoryAdditionalText(LockPath, Lock)));
        var result = driver.RunGenerators(compilation).GetRunResult().Results.Single();

        Assert.Empty(result.Diagnostics);
        AssertReasons(result, TrackingNames.ResolvedManifests, IncrementalStepRunReason.Modified);
        Assert.Contains("Spam = 1,", result.GeneratedSources.Single().SourceText.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void EditingALabel_ReparsesAndReEmits()
    {
        var harness = new GeneratorHarness();
        var file = harness.AddManifest(ManifestPath, Manifest);
        var compilation = GeneratorHarness.CreateCompilation("public static class Code { }");
        var driver = harness.CreateDriver().RunGenerators(compilation);

        driver = driver.ReplaceAdditionalText(file, new InMemoryAdditionalText(ManifestPath, Manifest.Replace("spam]", "junk]", StringComparison.Ordinal)));
        var result = driver.RunGenerators(compilation).GetRunResult().Results.Single();

        AssertReasons(result, TrackingNames.Manifests, IncrementalStepRunReason.Modified);
        AssertReasons(result, TrackingNames.Emittable, IncrementalStepRunReason.Modified);
        AssertOutputReasons(result, IncrementalStepRunReason.Modified);
        Assert.Contains("Junk = 1,", result.GeneratedSources.Single().SourceText.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void AddingACommentToTheManifest_ReparsesButDoesNotReEmit()
    {
        var harness = new GeneratorHarness();
        var file = harness.AddManifest(ManifestPath, Manifest);
        var compilation = GeneratorHarness.CreateCompilation("public static class Code { }");
        var driver = harness.CreateDriver().RunGenerators(compilation);

        driver = driver.ReplaceAdditionalText(file, new InMemoryAdditionalText(ManifestPath, "# The spam filter.\n" + Manifest));
        var result = driver.RunGenerators(compilation).GetRunResult().Results.Single();

        AssertReasons(result, TrackingNames.Manifests, IncrementalStepRunReason.Modified);
        AssertReasons(result, TrackingNames.Emittable, IncrementalStepRunReason.Unchanged);
        AssertOutputReasons(result, IncrementalStepRunReason.Cached);
    }

    [Fact]
    public void EditingOneManifest_DoesNotReEmitTheOther()
    {
        var harness = new GeneratorHarness();
        var spam = harness.AddManifest(ManifestPath, Manifest);
        harness.AddManifest("/src/App/mood.yaml", "model: { source: m }\nlabels: [sad, happy]\n");
        var compilation = GeneratorHarness.CreateCompilation("public static class Code { }");
        var driver = harness.CreateDriver().RunGenerators(compilation);

        driver = driver.ReplaceAdditionalText(spam, new InMemoryAdditionalText(ManifestPath, Manifest.Replace("spam]", "junk]", StringComparison.Ordinal)));
        var result = driver.RunGenerators(compilation).GetRunResult().Results.Single();

        var reasons = SourceOutputs(result).Select(output => output.Reason).ToList();
        Assert.Contains(IncrementalStepRunReason.Modified, reasons);
        Assert.Contains(IncrementalStepRunReason.Cached, reasons);
    }

    [Fact]
    public void EveryTrackedStep_HasValueEquatableOutputs()
    {
        // A step whose outputs compare by reference would never be Unchanged: rerunning the same input proves equality.
        var harness = new GeneratorHarness();
        var file = harness.AddManifest(ManifestPath, ManifestWithoutLabels);
        var lockFile = harness.AddLockFile(LockPath, Lock);
        var compilation = GeneratorHarness.CreateCompilation("public static class Code { }");
        var driver = harness.CreateDriver().RunGenerators(compilation);

        driver = driver.ReplaceAdditionalText(file, new InMemoryAdditionalText(ManifestPath, ManifestWithoutLabels));
        driver = driver.ReplaceAdditionalText(lockFile, new InMemoryAdditionalText(LockPath, Lock));
        var result = driver.RunGenerators(compilation).GetRunResult().Results.Single();

        AssertReasons(result, TrackingNames.Manifests, IncrementalStepRunReason.Unchanged);
        AssertReasons(result, TrackingNames.LockFiles, IncrementalStepRunReason.Unchanged);
        AssertReasons(result, TrackingNames.LockFileSet, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        AssertReasons(result, TrackingNames.ResolvedManifests, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        AssertReasons(result, TrackingNames.ValidManifests, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        AssertReasons(result, TrackingNames.Clashes, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        AssertReasons(result, TrackingNames.Emittable, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        AssertOutputReasons(result, IncrementalStepRunReason.Cached);
    }

    // The emit model is internal to the generator; its class name is a public-shaped property.
    private static string? ClassNameOf(object model) => (string?)model.GetType().GetProperty("ClassName")?.GetValue(model);

    private static (GeneratorDriver Driver, Compilation Compilation) FirstRun(string manifest)
    {
        var harness = new GeneratorHarness();
        harness.AddManifest(ManifestPath, manifest);
        var compilation = GeneratorHarness.CreateCompilation("public static class Code { }");
        var driver = harness.CreateDriver().RunGenerators(compilation);
        Assert.Single(driver.GetRunResult().GeneratedTrees);
        return (driver, compilation);
    }

    private static void AssertReasons(GeneratorRunResult result, string stepName, params IncrementalStepRunReason[] allowed)
    {
        Assert.True(result.TrackedSteps.TryGetValue(stepName, out var steps), $"Step '{stepName}' was not tracked.");
        var outputs = steps.SelectMany(step => step.Outputs).ToList();
        Assert.NotEmpty(outputs);
        Assert.All(outputs, output => Assert.Contains(output.Reason, allowed));
    }

    private static void AssertOutputReasons(GeneratorRunResult result, IncrementalStepRunReason expected)
    {
        var outputs = SourceOutputs(result).ToList();
        Assert.NotEmpty(outputs);
        Assert.All(outputs, output => Assert.Equal(expected, output.Reason));
    }

    // The outputs of the source pipeline (fed by the Emittable step); the diagnostics pipelines are outputs too.
    private static IEnumerable<(object Value, IncrementalStepRunReason Reason)> SourceOutputs(GeneratorRunResult result) =>
        result.TrackedOutputSteps["SourceOutput"]
            .Where(step => step.Inputs.Any(input => input.Source.Name == TrackingNames.Emittable))
            .SelectMany(step => step.Outputs);
}
