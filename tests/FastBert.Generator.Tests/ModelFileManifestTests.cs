using FastBert.Generator.Tests.Infrastructure;
using FastBert.Manifest;

namespace FastBert.Generator.Tests;

/// <summary>model.file: the ONNX variant of a model folder (Optimum / transformers.js layout) the manifest ships.</summary>
public sealed class ModelFileManifestTests
{
    [Fact]
    public void ModelFile_IsParsed_WithItsSpan()
    {
        var result = ManifestParser.Parse("/repo/app/spam.yaml", "model:\n  source: hf:org/name\n  file: onnx/model_quantized.onnx\nlabels: [ham, spam]\n", null);

        Assert.True(result.Success, string.Join(Environment.NewLine, result.Diagnostics));
        Assert.Equal("onnx/model_quantized.onnx", result.Manifest!.ModelFile);
        Assert.Equal((2, 8), (result.Manifest.ModelFileSpan!.Value.StartLine, result.Manifest.ModelFileSpan.Value.StartColumn));
    }

    [Fact]
    public void WithoutModelFile_TheDefaultIsNull()
    {
        var result = ManifestParser.Parse("/repo/app/spam.yaml", "model: { source: model/ }\nlabels: [ham, spam]\n", null);

        Assert.Null(result.Manifest!.ModelFile);
        Assert.Null(result.Manifest.ModelFileSpan);
    }

    [Theory]
    [InlineData("/onnx/model.onnx", "not a relative path")]
    [InlineData("../model.onnx", "not a relative path")]
    [InlineData("onnx//model.onnx", "not a relative path")]
    [InlineData("./model.onnx", "not a relative path")]
    [InlineData("'onnx\\model.onnx'", "not a relative path")]
    [InlineData("C:/models/model.onnx", "not a relative path")]
    [InlineData("onnx/model.bin", "not an .onnx file")]
    [InlineData("model.safetensors", "not an .onnx file")]
    public void BadModelFile_IsInvalidModelFile_AtTheValue(string file, string problem)
    {
        var diagnostic = DiagnosticAssert.Single(ManifestDiagnosticIds.InvalidModelFile, "model:\n  source: model/\n  file: [|" + file + "|]\nlabels: [ham, spam]\n");

        var message = diagnostic.GetMessage();
        Assert.Contains(problem, message, StringComparison.Ordinal);
        Assert.Contains("like 'file: onnx/model_quantized.onnx'", message, StringComparison.Ordinal);
        Assert.Equal("Invalid model.file", diagnostic.Descriptor.Title.ToString());
    }

    [Fact]
    public void ModelFileThatIsNotText_IsWrongType()
    {
        DiagnosticAssert.Single(ManifestDiagnosticIds.WrongType, "model:\n  source: model/\n  file: [|[a.onnx]|]\nlabels: [ham, spam]\n");
    }

    [Fact]
    public void ModelFile_DoesNotChangeTheGeneratedSource()
    {
        static string Generate(string model)
        {
            var harness = new GeneratorHarness();
            harness.AddManifest("/src/App/spam.yaml", "model: " + model + "\nlabels: [ham, spam]\n");
            var outcome = harness.Run();
            Assert.Empty(outcome.Diagnostics);
            return outcome.Sources.Single().SourceText.ToString();
        }

        Assert.Equal(Generate("{ source: model/ }"), Generate("{ source: model/, file: onnx/model_quantized.onnx }"));
    }
}
