using System.Text.Json;
using FastBert.Models.Export;
using FastBert.Models.Reports;

namespace FastBert.Models.Tests.Reports;

public sealed class ReportRendererTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "fastbert-report-renderer", Guid.NewGuid().ToString("N"));

    public ReportRendererTests() => Directory.CreateDirectory(_root);

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private string WriteJson(string name, string content)
    {
        var path = Path.Combine(_root, name);
        File.WriteAllText(path, content);
        return path;
    }

    [Fact]
    public void OneInput_WritesMarkdownHtmlAndTheSameJson()
    {
        var report = SampleReports.SmsEvaluation();
        var input = WriteJson("sms-eval.json", report.ToJson());
        var output = Path.Combine(_root, "out");

        var rendered = ReportRenderer.RenderToDirectory([input], output);

        Assert.Equal(Path.Combine(output, "report.md"), rendered.MarkdownPath);
        Assert.Equal(MarkdownReportWriter.Write([report]), File.ReadAllText(rendered.MarkdownPath));
        Assert.Equal(HtmlReportWriter.Write([report]), File.ReadAllText(rendered.HtmlPath));
        Assert.Equal(File.ReadAllText(input).TrimEnd('\n'), File.ReadAllText(rendered.JsonPath).TrimEnd('\n'));
        Assert.Equal(report.ToJson(), Report.FromJson(File.ReadAllText(rendered.JsonPath), rendered.JsonPath).ToJson());
        Assert.Equal(["report.html", "report.json", "report.md"], Directory.GetFiles(output).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void SeveralInputs_MergeIntoAJsonArrayInOrder_KeepingUnknownFields()
    {
        var reports = SampleReports.All();
        var paths = reports.Select((r, i) => WriteJson($"in-{i}.json", r.ToJson())).ToList();
        // A newer writer may add fields; the merged report.json keeps them.
        var withExtra = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(File.ReadAllText(paths[0]))!;
        withExtra["futureField"] = JsonSerializer.SerializeToElement(new { note = "kept" });
        File.WriteAllText(paths[0], JsonSerializer.Serialize(withExtra));
        var output = Path.Combine(_root, "out");

        var rendered = ReportRenderer.RenderToDirectory(paths, output);

        using var merged = JsonDocument.Parse(File.ReadAllText(rendered.JsonPath));
        Assert.Equal(JsonValueKind.Array, merged.RootElement.ValueKind);
        var elements = merged.RootElement.EnumerateArray().ToList();
        Assert.Equal(4, elements.Count);
        for (var i = 0; i < elements.Count; i++)
        {
            var back = Report.FromJson(elements[i].GetRawText(), $"element {i}");
            Assert.Equal(reports[i].ToJson(), back.ToJson());
        }

        Assert.Equal("kept", elements[0].GetProperty("futureField").GetProperty("note").GetString());
        var md = File.ReadAllText(rendered.MarkdownPath);
        Assert.Contains("## Evaluation", md);
        Assert.Contains("## Benchmark", md);
        Assert.Contains("## Quantization", md);
        Assert.Contains("| emotion-distilbert-tiny |", md);
    }

    [Fact]
    public void MalformedJson_NamesTheFileAndWritesNothing()
    {
        var good = WriteJson("good.json", SampleReports.SmsEvaluation().ToJson());
        var json = SampleReports.SmsBenchmark().ToJson();
        var bad = WriteJson("broken-bench.json", json[..(json.Length / 2)]);
        var output = Path.Combine(_root, "out");

        var error = Assert.Throws<InvalidDataException>(() => ReportRenderer.RenderToDirectory([good, bad], output));

        Assert.Contains(bad, error.Message);
        Assert.DoesNotContain(good, error.Message);
        Assert.False(Directory.Exists(output), "the output directory was created although an input was bad");
    }

    [Fact]
    public void MalformedJson_LeavesAnExistingReportUntouched()
    {
        var output = Path.Combine(_root, "out");
        Directory.CreateDirectory(output);
        File.WriteAllText(Path.Combine(output, "report.md"), "previous");
        var bad = WriteJson("not-json.json", "{ \"schema\": \"fastbert.report/v1\", \"kind\": ");

        var error = Assert.Throws<InvalidDataException>(() => ReportRenderer.RenderToDirectory([bad], output));

        Assert.Contains("not-json.json", error.Message);
        Assert.Equal("previous", File.ReadAllText(Path.Combine(output, "report.md")));
        Assert.Equal(["report.md"], Directory.GetFiles(output).Select(Path.GetFileName));
    }

    [Theory]
    [InlineData("wrong-schema", "expected schema")]
    [InlineData("null-machine", "machine is missing")]
    [InlineData("null-labels", "evaluations[0].metrics.labels is missing")]
    [InlineData("ragged-matrix", "evaluations[0].metrics.confusionMatrix[1] has 1 columns for 2 labels")]
    [InlineData("null-latencies", "benchmarks[0].runs[0].latenciesMs is missing")]
    [InlineData("pair-with-words", "comparisons[0].flipped[0] is a sentence pair (textPair) with explained words")]
    [InlineData("array", "not a fastbert report")]
    public void InvalidReport_NamesTheFileAndTheProblem(string problem, string message)
    {
        var json = problem switch
        {
            "wrong-schema" => SampleReports.SmsEvaluation().ToJson().Replace("fastbert.report/v1", "fastbert.report/v0"),
            "null-machine" => Edit(SampleReports.SmsEvaluation(), r => r["machine"] = null),
            "null-labels" => Edit(SampleReports.SmsEvaluation(), r => r["evaluations"]![0]!["metrics"]!["labels"] = null),
            "ragged-matrix" => Edit(SampleReports.SmsEvaluation(), r => r["evaluations"]![0]!["metrics"]!["confusionMatrix"]![1] = new System.Text.Json.Nodes.JsonArray(6)),
            "null-latencies" => Edit(SampleReports.SmsBenchmark(), r => r["benchmarks"]![0]!["runs"]![0]!["latenciesMs"] = null),
            "pair-with-words" => Edit(SampleReports.SmsEvaluation(), r =>
            {
                var flipped = r["comparisons"]![0]!["flipped"]![0]!;
                flipped["textPair"] = "Text FA to 87121";
                flipped["baselineWords"] = System.Text.Json.Nodes.JsonNode.Parse("""[{"word":"Free","start":0,"end":4,"contribution":0.1}]""");
            }),
            _ => "[]",
        };
        var path = WriteJson($"{problem}.json", json);
        var output = Path.Combine(_root, "out");

        var error = Assert.Throws<InvalidDataException>(() => ReportRenderer.RenderToDirectory([path], output));

        Assert.StartsWith(path + ":", error.Message);
        Assert.Contains(message, error.Message);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void APairExample_RoundTrips_AndShowsItsSecondTextAfterSep()
    {
        var json = Edit(SampleReports.SmsEvaluation(), r => r["comparisons"]![0]!["flipped"]![1]!["textPair"] = "see you at home tonight");
        var output = Path.Combine(_root, "out");

        ReportRenderer.RenderToDirectory([WriteJson("pair.json", json)], output);

        var flipped = Report.FromJson(File.ReadAllText(Path.Combine(output, "report.json")), "report.json").Comparisons[0].Flipped;
        Assert.Equal("see you at home tonight", flipped[1].TextPair);
        Assert.Null(flipped[0].TextPair);
        Assert.Contains(MarkdownReportWriter.Text("Ok lar... Joking wif u oni... [SEP] see you at home tonight"), File.ReadAllText(Path.Combine(output, "report.md")));
        Assert.Contains("<span class=\"pair\">see you at home tonight</span>", File.ReadAllText(Path.Combine(output, "report.html")));
    }

    [Fact]
    public void MissingFile_IsNamed()
    {
        var missing = Path.Combine(_root, "nope.json");

        var error = Assert.Throws<FileNotFoundException>(() => ReportRenderer.RenderToDirectory([missing], Path.Combine(_root, "out")));

        Assert.Contains(missing, error.Message);
    }

    [Fact]
    public void NoInputs_IsAnArgumentError()
    {
        Assert.Throws<ArgumentException>(() => ReportRenderer.RenderToDirectory([], Path.Combine(_root, "out")));
    }

    [Fact]
    public void Rerender_ReplacesFilesAndLeavesNoTemporaries()
    {
        var output = Path.Combine(_root, "out");
        var first = WriteJson("a.json", SampleReports.SmsEvaluation().ToJson());
        var second = WriteJson("b.json", SampleReports.EmotionEvaluation().ToJson());

        ReportRenderer.RenderToDirectory([first], output);
        var rendered = ReportRenderer.RenderToDirectory([second], output);

        Assert.Contains("emotion-distilbert-tiny", File.ReadAllText(rendered.MarkdownPath));
        Assert.DoesNotContain("| fp32 |", File.ReadAllText(rendered.MarkdownPath));
        Assert.Equal(3, Directory.GetFiles(output).Length);
        Assert.Empty(Directory.GetFiles(output, ".*"));
    }

    [Fact]
    public void AFolderOfOtherFiles_IsRefusedAndKept_UnlessForced()
    {
        var output = Path.Combine(_root, "notes");
        Directory.CreateDirectory(output);
        File.WriteAllText(Path.Combine(output, "todo.md"), "mine");
        var input = WriteJson("a.json", SampleReports.SmsEvaluation().ToJson());

        var error = Assert.Throws<OutputFolderException>(() => ReportRenderer.RenderToDirectory([input], output));

        Assert.Contains("(todo.md; no report.json)", error.Message, StringComparison.Ordinal);
        Assert.Contains("--force", error.Message, StringComparison.Ordinal);
        Assert.Equal(["todo.md"], Directory.GetFileSystemEntries(output).Select(Path.GetFileName));

        ReportRenderer.RenderToDirectory([input], output, force: true);
        Assert.Equal(["report.html", "report.json", "report.md"], Directory.GetFileSystemEntries(output).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void AnOutputHoldingAnInput_IsRefused()
    {
        var input = WriteJson("a.json", SampleReports.SmsEvaluation().ToJson());

        var error = Assert.Throws<OutputFolderException>(() => ReportRenderer.RenderToDirectory([input], _root, force: true));

        Assert.Contains($"contains the input {input}", error.Message, StringComparison.Ordinal);
        Assert.True(File.Exists(input));
    }

    private static string Edit(Report report, Action<System.Text.Json.Nodes.JsonNode> edit)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(report.ToJson())!;
        edit(node);
        return node.ToJsonString();
    }
}
