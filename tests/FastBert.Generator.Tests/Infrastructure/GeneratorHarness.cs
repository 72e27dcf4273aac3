using System.Collections.Immutable;
using System.Text;
using FastBert.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace FastBert.Generator.Tests.Infrastructure;

/// <summary>
/// Drives <see cref="ClassifierGenerator"/> the way the compiler does: AdditionalFiles with per-file options, a
/// compilation referencing FastBert.Sdk and the platform, step tracking on.
/// </summary>
internal sealed class GeneratorHarness
{
    public const string DefaultRootNamespace = "Contoso.App";

    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() => LoadReferences(dependencyInjection: false));
    private static readonly Lazy<ImmutableArray<MetadataReference>> ReferencesWithDependencyInjection = new(() => LoadReferences(dependencyInjection: true));

    private readonly List<AdditionalText> _texts = new();
    private readonly TestOptionsProvider _options = new();

    private readonly bool _dependencyInjection;

    /// <param name="rootNamespace">The project's RootNamespace.</param>
    /// <param name="dependencyInjection">Whether the compilation references Microsoft.Extensions.Options (and so DI), as a Hosting app does.</param>
    public GeneratorHarness(string? rootNamespace = DefaultRootNamespace, bool dependencyInjection = false)
    {
        _dependencyInjection = dependencyInjection;
        if (rootNamespace is not null)
        {
            _options.Global[ClassifierGenerator.RootNamespaceKey] = rootNamespace;
        }
    }

    public static CSharpParseOptions ParseOptions { get; } = new(LanguageVersion.Latest);

    public TestOptionsProvider Options => _options;

    /// <summary>Adds a manifest (an AdditionalFile marked FastBertManifest=true).</summary>
    public AdditionalText AddManifest(string path, string text) => AddManifest(new InMemoryAdditionalText(path, text));

    public AdditionalText AddManifest(AdditionalText file)
    {
        _texts.Add(file);
        _options.ForFile(file.Path)[ClassifierGenerator.ManifestMetadataKey] = "true";
        return file;
    }

    /// <summary>Adds a lock file (an AdditionalFile marked FastBertLock=true, as the props pass <c>spam.lock.json</c>).</summary>
    public AdditionalText AddLockFile(string path, string? text)
    {
        var file = new InMemoryAdditionalText(path, text);
        _texts.Add(file);
        _options.ForFile(file.Path)[ClassifierGenerator.LockMetadataKey] = "true";
        return file;
    }

    /// <summary>Adds an AdditionalFile that is not a manifest.</summary>
    public AdditionalText AddOtherFile(string path, string text)
    {
        var file = new InMemoryAdditionalText(path, text);
        _texts.Add(file);
        return file;
    }

    /// <summary>A driver with the files added so far, tracking incremental steps.</summary>
    public GeneratorDriver CreateDriver() =>
        CSharpGeneratorDriver.Create(
            new[] { new ClassifierGenerator().AsSourceGenerator() },
            _texts,
            ParseOptions,
            _options,
            new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Runs the generator once over a compilation of <paramref name="code"/>.</summary>
    public GeneratorOutcome Run(string code = "")
    {
        var compilation = CreateCompilation(_dependencyInjection ? ReferencesWithDependencyInjection.Value : References.Value, code);
        var driver = CreateDriver().RunGeneratorsAndUpdateCompilation(compilation, out var output, out var driverDiagnostics);
        return new GeneratorOutcome(driver, compilation, output, driverDiagnostics);
    }

    public static CSharpCompilation CreateCompilation(params string[] sources) => CreateCompilation(References.Value, sources);

    private static CSharpCompilation CreateCompilation(ImmutableArray<MetadataReference> references, params string[] sources) =>
        CSharpCompilation.Create(
            "FastBert.Generator.Tests.App",
            sources.Select(static (source, i) => CSharpSyntaxTree.ParseText(source, ParseOptions, path: "Code" + i + ".cs")),
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    // The platform (trusted platform assemblies of the test host) plus FastBert.Sdk, each once; Microsoft.Extensions.Options
    // (which the test host has for these tests) only when asked for.
    private static ImmutableArray<MetadataReference> LoadReferences(bool dependencyInjection)
    {
        var paths = ((string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Where(path => dependencyInjection || !Path.GetFileName(path).StartsWith("Microsoft.Extensions.Options", StringComparison.OrdinalIgnoreCase))
            .Append(typeof(FastBert.BertClassifier<>).Assembly.Location)
            .Where(static path => path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
            .Distinct(StringComparer.OrdinalIgnoreCase);
        return paths.Select(static path => (MetadataReference)MetadataReference.CreateFromFile(path)).ToImmutableArray();
    }
}

/// <summary>One run of the generator.</summary>
internal sealed record GeneratorOutcome(
    GeneratorDriver Driver,
    Compilation Input,
    Compilation Output,
    ImmutableArray<Diagnostic> DriverDiagnostics)
{
    public GeneratorRunResult Result => Driver.GetRunResult().Results.Single();

    /// <summary>The diagnostics the generator reported.</summary>
    public ImmutableArray<Diagnostic> Diagnostics => Result.Diagnostics;

    public ImmutableArray<GeneratedSourceResult> Sources => Result.GeneratedSources;

    /// <summary>Errors and warnings of the compilation with the generated code.</summary>
    public IReadOnlyList<Diagnostic> CompilationProblems =>
        Output.GetDiagnostics().Where(static d => d.Severity >= DiagnosticSeverity.Warning).ToList();
}

/// <summary>An AdditionalFile held in memory.</summary>
internal sealed class InMemoryAdditionalText : AdditionalText
{
    private readonly SourceText? _text;

    public InMemoryAdditionalText(string path, string? text)
    {
        Path = path;
        _text = text is null ? null : SourceText.From(text, Encoding.UTF8);
    }

    public override string Path { get; }

    public override SourceText? GetText(CancellationToken cancellationToken = default) => _text;
}

/// <summary>Options like the compiler's generated .editorconfig: global build_property.* and per-file build_metadata.*.</summary>
internal sealed class TestOptionsProvider : AnalyzerConfigOptionsProvider
{
    private readonly Dictionary<string, TestOptions> _files = new(StringComparer.Ordinal);
    private readonly TestOptions _global = new();

    public Dictionary<string, string> Global => _global.Values;

    /// <summary>When set, <see cref="GetOptions(AdditionalText)"/> throws it (to test that the generator never throws).</summary>
    public Exception? ThrowOnGetOptions { get; set; }

    public override AnalyzerConfigOptions GlobalOptions => _global;

    public Dictionary<string, string> ForFile(string path)
    {
        if (!_files.TryGetValue(path, out var options))
        {
            options = new TestOptions();
            _files.Add(path, options);
        }

        return options.Values;
    }

    public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => TestOptions.Empty;

    public override AnalyzerConfigOptions GetOptions(AdditionalText textFile)
    {
        if (ThrowOnGetOptions is not null)
        {
            throw ThrowOnGetOptions;
        }

        return _files.TryGetValue(textFile.Path, out var options) ? options : TestOptions.Empty;
    }

    private sealed class TestOptions : AnalyzerConfigOptions
    {
        public static readonly TestOptions Empty = new();

        public Dictionary<string, string> Values { get; } = new(StringComparer.OrdinalIgnoreCase);

        public override bool TryGetValue(string key, out string value) => Values.TryGetValue(key, out value!);
    }
}
