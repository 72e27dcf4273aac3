using System.Globalization;
using FastBert.Generator.Tests.Infrastructure;
using FastBert.Manifest;

namespace FastBert.Generator.Tests;

/// <summary>quantize: and validate: — values parsed with their spans, and each problem by id at its span.</summary>
public sealed class QuantizeAndValidateTests
{
    private const string Head = "model: { source: m }\nlabels: [ham, spam]\n";

    [Fact]
    public void FullQuantizeAndValidate_ParseEveryValue_WithTheSpanOfEachValue()
    {
        const string Text = """
            model: { source: model/ }
            labels: [ham, spam]
            quantize: { mode: int8, maxAccuracyDrop: 0.01 }
            validate:
              data: data/sms-val.tsv
              indices: data/held-out.txt
              textColumn: message
              labelColumn: category
              minAccuracy: 0.97
              minMacroF1: 0.90
              maxP95LatencyMs: 12.5
            """;

        var manifest = ParseValid("/repo/app/spam.yaml", Text);

        var quantize = manifest.Quantize;
        Assert.Equal(QuantizationMode.Int8, quantize.Mode);
        Assert.Equal(0.01, quantize.MaxAccuracyDrop);
        AssertAt(Text, quantize.ModeSpan!.Value, "int8");
        AssertAt(Text, quantize.MaxAccuracyDropSpan!.Value, "0.01");
        AssertAt(Text, quantize.Span!.Value, "quantize");

        var validate = Assert.IsType<ValidateSettings>(manifest.Validate);
        AssertAt(Text, validate.Span, "validate");
        Assert.Equal("data/sms-val.tsv", validate.Data.Value);
        AssertAt(Text, validate.Data.Span, "data/sms-val.tsv");
        Assert.Equal("data/held-out.txt", validate.Indices!.Value);
        AssertAt(Text, validate.Indices.Span, "data/held-out.txt");
        Assert.Equal("message", validate.TextColumnName);
        AssertAt(Text, validate.TextColumn!.Span, "message");
        Assert.Equal("category", validate.LabelColumnName);
        AssertAt(Text, validate.LabelColumn!.Span, "category");
        Assert.Equal(0.97, validate.MinAccuracy!.Value);
        Assert.Equal(new ManifestSpan(Text.IndexOf("0.97", StringComparison.Ordinal), 4, 8, 15, 8, 19), validate.MinAccuracy.Span);
        Assert.Equal(0.90, validate.MinMacroF1!.Value);
        AssertAt(Text, validate.MinMacroF1.Span, "0.90");
        Assert.Equal(12.5, validate.MaxP95LatencyMs!.Value);
        AssertAt(Text, validate.MaxP95LatencyMs.Span, "12.5");
    }

    [Fact]
    public void WithoutQuantizeOrValidate_QuantizeHasTheDefaults_AndValidateIsNull()
    {
        var manifest = ParseValid("spam.yaml", Head);

        Assert.Same(QuantizeSettings.Default, manifest.Quantize);
        Assert.Equal(QuantizationMode.None, manifest.Quantize.Mode);
        Assert.Equal(0.005, manifest.Quantize.MaxAccuracyDrop);
        Assert.Null(manifest.Quantize.Span);
        Assert.Null(manifest.Validate);
        Assert.Null(manifest.ResolveValidationData());
    }

    [Fact]
    public void EmptyQuantizeAndValidate_AreLikeAbsentOnes()
    {
        var manifest = ParseValid("spam.yaml", Head + "quantize:\nvalidate:\n");

        Assert.Equal(QuantizeSettings.Default, manifest.Quantize);
        Assert.Null(manifest.Validate);
    }

    [Theory]
    [InlineData("{ mode: int8 }", QuantizationMode.Int8, 0.005)]
    [InlineData("{ mode: INT8 }", QuantizationMode.Int8, 0.005)]
    [InlineData("{ mode: \"none\" }", QuantizationMode.None, 0.005)]
    [InlineData("{ maxAccuracyDrop: 0 }", QuantizationMode.None, 0.0)]
    [InlineData("{ mode: int8, maxAccuracyDrop: 1 }", QuantizationMode.Int8, 1.0)]
    [InlineData("{ mode: int8, maxAccuracyDrop: 5e-3 }", QuantizationMode.Int8, 0.005)]
    [InlineData("{ mode: int8, maxAccuracyDrop: .02 }", QuantizationMode.Int8, 0.02)]
    public void QuantizeValues_AreParsed(string quantize, QuantizationMode mode, double maxDrop)
    {
        var manifest = ParseValid("spam.yaml", Head + "quantize: " + quantize + "\n");

        Assert.Equal(mode, manifest.Quantize.Mode);
        Assert.Equal(maxDrop, manifest.Quantize.MaxAccuracyDrop);
    }

    [Fact]
    public void Int8WithMaxAccuracyDrop_ButNoValidationData_IsAllowed_AndKeepsTheValues()
    {
        var harness = new GeneratorHarness();
        harness.AddManifest("/src/App/spam.yaml", Head + "quantize:\n  mode: int8\n  maxAccuracyDrop: 0.002\n");

        var outcome = harness.Run();

        Assert.Empty(outcome.Diagnostics);
        Assert.Single(outcome.Sources);
        var manifest = ParseValid("/src/App/spam.yaml", Head + "quantize:\n  mode: int8\n  maxAccuracyDrop: 0.002\n");
        Assert.Equal(QuantizationMode.Int8, manifest.Quantize.Mode);
        Assert.Equal(0.002, manifest.Quantize.MaxAccuracyDrop);
        Assert.Null(manifest.Validate);
    }

    [Fact]
    public void ValidateWithOnlyData_HasDefaultColumns_AndNoGates()
    {
        var manifest = ParseValid("spam.yaml", Head + "validate: { data: val.jsonl }\n");

        var validate = manifest.Validate!;
        Assert.Equal("val.jsonl", validate.Data.Value);
        Assert.Null(validate.Indices);
        Assert.Null(validate.TextColumn);
        Assert.Equal(ValidateSettings.DefaultTextColumn, validate.TextColumnName);
        Assert.Equal(ValidateSettings.DefaultLabelColumn, validate.LabelColumnName);
        Assert.Null(validate.MinAccuracy);
        Assert.Null(validate.MinMacroF1);
        Assert.Null(validate.MaxP95LatencyMs);
    }

    [Fact]
    public void ValidationPaths_ResolveAgainstTheManifestsFolder()
    {
        var root = Path.GetTempPath();
        var manifestPath = Path.Combine(root, "app", "spam.yaml");
        var manifest = ParseValid(manifestPath, Head + "validate:\n  data: data/val.tsv\n  indices: ../splits/held-out.txt\n");

        Assert.Equal(Path.GetFullPath(Path.Combine(root, "app", "data", "val.tsv")), manifest.ResolveValidationData());
        Assert.Equal(Path.GetFullPath(Path.Combine(root, "splits", "held-out.txt")), manifest.ResolveValidationIndices());
    }

    [Theory]
    [InlineData("minAccuracy", "0", 0.0)]
    [InlineData("minAccuracy", "1", 1.0)]
    [InlineData("minMacroF1", "0.5", 0.5)]
    [InlineData("maxP95LatencyMs", "10", 10.0)]
    [InlineData("maxP95LatencyMs", "0.25", 0.25)]
    [InlineData("maxP95LatencyMs", "1e3", 1000.0)]
    public void ThresholdsInRange_AreParsed(string key, string value, double expected)
    {
        var manifest = ParseValid("spam.yaml", Head + "validate:\n  data: v.tsv\n  " + key + ": " + value + "\n");

        var threshold = key switch
        {
            "minAccuracy" => manifest.Validate!.MinAccuracy,
            "minMacroF1" => manifest.Validate!.MinMacroF1,
            _ => manifest.Validate!.MaxP95LatencyMs,
        };
        Assert.Equal(expected, threshold!.Value);
        Assert.Equal(4, threshold.Span.StartLine);
    }

    [Theory]
    [InlineData("de-DE")]
    [InlineData("fr-FR")]
    public void Thresholds_AreReadUnderTheInvariantCulture(string culture)
    {
        var previous = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo(culture);
            var manifest = ParseValid("spam.yaml", Head + "quantize: { maxAccuracyDrop: 0.005 }\nvalidate: { data: v.tsv, minAccuracy: 0.97 }\n");
            Assert.Equal(0.97, manifest.Validate!.MinAccuracy!.Value);
            Assert.Equal(0.005, manifest.Quantize.MaxAccuracyDrop);
            var comma = ManifestParser.Parse("spam.yaml", Head + "validate: { data: v.tsv, minAccuracy: \"0,97\" }\n", null);
            Assert.Equal(ManifestDiagnosticIds.WrongType, Assert.Single(comma.Diagnostics).Id);
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Fact]
    public void ManifestsWithQuantizeAndValidate_CompareByValue()
    {
        const string Text = Head + "quantize: { mode: int8 }\nvalidate: { data: v.tsv, minAccuracy: 0.9, textColumn: t }\n";
        var first = ManifestParser.Parse("/m/spam.yaml", Text, null);
        var second = ManifestParser.Parse("/m/spam.yaml", string.Concat(Text.AsSpan(0, 3), Text.AsSpan(3)), null);
        var other = ManifestParser.Parse("/m/spam.yaml", Text.Replace("0.9", "0.8", StringComparison.Ordinal), null);

        Assert.Equal(first, second);
        Assert.Equal(first.GetHashCode(), second.GetHashCode());
        Assert.NotEqual(first.Manifest, other.Manifest);
    }

    [Fact]
    public void QuantizeAndValidate_DoNotChangeTheGeneratedSource()
    {
        static string Generate(string manifest)
        {
            var harness = new GeneratorHarness();
            harness.AddManifest("/src/App/spam.yaml", manifest);
            var outcome = harness.Run();
            Assert.Empty(outcome.Diagnostics);
            return outcome.Sources.Single().SourceText.ToString();
        }

        Assert.Equal(Generate(Head), Generate(Head + "quantize: { mode: int8 }\nvalidate: { data: v.tsv, minAccuracy: 0.9 }\n"));
    }

    // ---- FB0002: unknown keys, with suggestions

    [Fact]
    public void MisspelledQuantizeKey_IsUnknownKey_WithSuggestion()
    {
        var diagnostic = DiagnosticAssert.Single(ManifestDiagnosticIds.UnknownKey, Head + "quantize:\n  [|max_accuracy_drop|]: 0.01\n");
        Assert.Equal(
            "Unknown key 'max_accuracy_drop' under 'quantize'. Did you mean 'maxAccuracyDrop'? Allowed keys: mode, maxAccuracyDrop.",
            diagnostic.GetMessage());
    }

    [Fact]
    public void MisspelledValidateKey_IsUnknownKey_WithSuggestion()
    {
        var diagnostic = DiagnosticAssert.Single(ManifestDiagnosticIds.UnknownKey, Head + "validate:\n  data: v.tsv\n  [|minAccuracey|]: 0.9\n");
        Assert.Equal(
            "Unknown key 'minAccuracey' under 'validate'. Did you mean 'minAccuracy'? Allowed keys: data, config, split, indices, textColumn, textPairColumn, labelColumn, minAccuracy, minMacroF1, maxP95LatencyMs.",
            diagnostic.GetMessage());
    }

    [Fact]
    public void UnrelatedValidateKey_IsUnknownKey_WithoutSuggestion()
    {
        var diagnostic = DiagnosticAssert.Single(ManifestDiagnosticIds.UnknownKey, Head + "validate: { data: v.tsv, [|shuffle|]: true }\n");
        Assert.DoesNotContain("Did you mean", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void RepeatedValidateKey_IsDuplicateKey()
    {
        DiagnosticAssert.Single(ManifestDiagnosticIds.DuplicateKey, Head + "validate:\n  data: a.tsv\n  [|data|]: b.tsv\n");
    }

    // ---- FB0003: wrong types

    [Fact]
    public void UnknownQuantizeMode_IsWrongType()
    {
        var diagnostic = DiagnosticAssert.Single(ManifestDiagnosticIds.WrongType, Head + "quantize: { mode: [|int4|] }\n");
        Assert.Equal("'quantize.mode' must be none or int8, but it is the text 'int4'. Write it like 'mode: int8'.", diagnostic.GetMessage());
    }

    [Fact]
    public void QuantizeAsAMode_IsWrongType_SuggestingTheMapping()
    {
        var diagnostic = DiagnosticAssert.Single(ManifestDiagnosticIds.WrongType, Head + "quantize: [|int8|]\n");
        Assert.Contains("Write it like 'quantize: { mode: int8 }'.", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void QuantizeAsAList_IsWrongType()
    {
        DiagnosticAssert.Single(ManifestDiagnosticIds.WrongType, Head + "quantize: [|[int8]|]\n");
    }

    [Theory]
    [InlineData("\"0.005\"")]
    [InlineData("0.5%")]
    [InlineData("half")]
    [InlineData(".inf")]
    [InlineData("NaN")]
    [InlineData("0x1")]
    [InlineData("1e")]
    [InlineData("[0.1]")]
    public void MaxAccuracyDropThatIsNotANumber_IsWrongType(string value)
    {
        var diagnostic = DiagnosticAssert.Single(ManifestDiagnosticIds.WrongType, Head + "quantize: { maxAccuracyDrop: [|" + value + "|] }\n");
        Assert.Contains("'quantize.maxAccuracyDrop' must be a number (without quotes)", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void EmptyMode_IsWrongType_AtTheKey()
    {
        DiagnosticAssert.Single(ManifestDiagnosticIds.WrongType, Head + "quantize:\n  [|mode|]:\n");
    }

    [Fact]
    public void ValidateAsAPath_IsWrongType_SuggestingTheMapping()
    {
        var diagnostic = DiagnosticAssert.Single(ManifestDiagnosticIds.WrongType, Head + "validate: [|data/val.tsv|]\n");
        Assert.Contains("Write it like 'validate: { data: data/val.tsv }'.", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void ValidationDataAsAList_IsWrongType()
    {
        DiagnosticAssert.Single(ManifestDiagnosticIds.WrongType, Head + "validate:\n  data: [|[a.tsv, b.tsv]|]\n");
    }

    [Fact]
    public void BlankTextColumn_IsWrongType()
    {
        DiagnosticAssert.Single(ManifestDiagnosticIds.WrongType, Head + "validate: { data: v.tsv, textColumn: [|\" \"|] }\n");
    }

    [Fact]
    public void EmptyIndices_IsWrongType_AtTheKey()
    {
        DiagnosticAssert.Single(ManifestDiagnosticIds.WrongType, Head + "validate:\n  data: v.tsv\n  [|indices|]:\n");
    }

    [Theory]
    [InlineData("minAccuracy", "high")]
    [InlineData("minMacroF1", "\"0.9\"")]
    [InlineData("maxP95LatencyMs", "10ms")]
    [InlineData("maxP95LatencyMs", "{ p95: 10 }")]
    public void ThresholdThatIsNotANumber_IsWrongType(string key, string value)
    {
        var diagnostic = DiagnosticAssert.Single(ManifestDiagnosticIds.WrongType, Head + "validate:\n  data: v.tsv\n  " + key + ": [|" + value + "|]\n");
        Assert.Contains("'validate." + key + "' must be a number", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    // ---- FB0009: out of range

    [Theory]
    [InlineData("1.5")]
    [InlineData("-0.1")]
    [InlineData("5")]
    [InlineData("1e999")]
    public void MaxAccuracyDropOutsideZeroToOne_IsValueOutOfRange(string value)
    {
        var diagnostic = DiagnosticAssert.Single(ManifestDiagnosticIds.ValueOutOfRange, Head + "quantize:\n  mode: int8\n  maxAccuracyDrop: [|" + value + "|]\n");
        Assert.Equal(
            "quantize.maxAccuracyDrop is " + value + ", but it must be a fraction between 0 and 1 (0.97 means 97%). Write a value in range, like 'maxAccuracyDrop: 0.005'.",
            diagnostic.GetMessage());
        DiagnosticAssert.Position(diagnostic, 4, 19, 4, 19 + value.Length);
    }

    [Theory]
    [InlineData("minAccuracy", "97")]
    [InlineData("minAccuracy", "-0.5")]
    [InlineData("minMacroF1", "1.01")]
    [InlineData("minMacroF1", "90")]
    public void AccuracyGateOutsideZeroToOne_IsValueOutOfRange_AtItsLine(string key, string value)
    {
        var diagnostic = DiagnosticAssert.Single(ManifestDiagnosticIds.ValueOutOfRange, Head + "validate:\n  data: v.tsv\n  " + key + ": [|" + value + "|]\n");
        Assert.StartsWith("validate." + key + " is " + value + ", but it must be a fraction between 0 and 1", diagnostic.GetMessage(), StringComparison.Ordinal);
        Assert.Equal(4, diagnostic.Location.GetLineSpan().StartLinePosition.Line);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-3")]
    [InlineData("1e999")]
    public void LatencyGateThatIsNotPositive_IsValueOutOfRange(string value)
    {
        var diagnostic = DiagnosticAssert.Single(ManifestDiagnosticIds.ValueOutOfRange, Head + "validate: { data: v.tsv, maxP95LatencyMs: [|" + value + "|] }\n");
        Assert.Equal(
            "validate.maxP95LatencyMs is " + value + ", but it must be more than 0 milliseconds. Write a value in range, like 'maxP95LatencyMs: 10'.",
            diagnostic.GetMessage());
    }

    // ---- FB0004: validate without data

    [Fact]
    public void ValidateWithGatesButNoData_IsMissingKey_AtTheValidateKey()
    {
        var diagnostic = DiagnosticAssert.Single(ManifestDiagnosticIds.MissingKey, Head + "[|validate|]:\n  minAccuracy: 0.9\n");
        Assert.Equal(
            "'validate' has no 'data'. Add the validation file, relative to the manifest, like 'validate: { data: data/val.tsv }'; the thresholds are checked on it.",
            diagnostic.GetMessage());
    }

    [Fact]
    public void ProblemsInQuantizeAndValidate_AreAllReported_InTextOrder()
    {
        var harness = new GeneratorHarness();
        harness.AddManifest("/src/App/spam.yaml", Head + "quantize: { mode: fp16, maxAccuracyDrop: 2 }\nvalidate: { data: v.tsv, minAccuracy: 97, maxP95LatencyMs: 0, shufle: 1 }\n");

        var ids = harness.Run().Diagnostics.Select(d => d.Id);

        Assert.Equal(
            new[]
            {
                ManifestDiagnosticIds.WrongType, ManifestDiagnosticIds.ValueOutOfRange, ManifestDiagnosticIds.ValueOutOfRange,
                ManifestDiagnosticIds.ValueOutOfRange, ManifestDiagnosticIds.UnknownKey,
            },
            ids);
    }

    private static ClassifierManifest ParseValid(string path, string text)
    {
        var result = ManifestParser.Parse(path, text, null);
        Assert.True(result.Success, string.Join(Environment.NewLine, result.Diagnostics));
        return result.Manifest!;
    }

    private static void AssertAt(string text, ManifestSpan span, string expected) =>
        Assert.Equal(expected, text.Substring(span.StartIndex, span.Length));
}
