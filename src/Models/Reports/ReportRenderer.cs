using System.Text;
using System.Text.Json;
using FastBert.Models.Export;

namespace FastBert.Models.Reports;

/// <summary>The files <see cref="ReportRenderer.RenderToDirectory"/> wrote.</summary>
public sealed record RenderedReport(string MarkdownPath, string HtmlPath, string JsonPath, IReadOnlyList<Report> Reports);

/// <summary>
/// Turns report JSON files (from <c>evaluate</c>, <c>benchmark</c>, <c>quantize</c>, <c>train</c>) into report.md, report.html and
/// report.json in one directory.
/// </summary>
public static class ReportRenderer
{
    public const string MarkdownFileName = "report.md";
    public const string HtmlFileName = "report.html";
    public const string JsonFileName = OutputFolder.ReportFileName;

    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>
    /// Reads and checks every input first; a missing, unreadable or malformed file fails with an
    /// <see cref="InvalidDataException"/> (or <see cref="FileNotFoundException"/>) naming it, and nothing is written.
    /// Then writes report.md, report.html and report.json as the folder <paramref name="outputDirectory"/>, through an
    /// <see cref="OutputFolder"/>: an earlier report there is replaced, a folder of other files is refused unless
    /// <paramref name="force"/>, an output holding an input is refused. report.json is the input unchanged when there is one
    /// input, otherwise a JSON array of the inputs in the given order (fields this version does not know are kept).
    /// </summary>
    public static RenderedReport RenderToDirectory(IReadOnlyList<string> jsonPaths, string outputDirectory, bool force = false)
    {
        ArgumentNullException.ThrowIfNull(jsonPaths);
        ArgumentException.ThrowIfNullOrWhiteSpace(outputDirectory);
        if (jsonPaths.Count == 0)
        {
            throw new ArgumentException("At least one report JSON file is needed.", nameof(jsonPaths));
        }

        var inputs = new List<(string Path, string Json, Report Report)>(jsonPaths.Count);
        foreach (var path in jsonPaths)
        {
            inputs.Add(Read(path));
        }

        var reports = inputs.Select(i => i.Report).ToList();
        var markdown = MarkdownReportWriter.Write(reports);
        var html = HtmlReportWriter.Write(reports);
        var json = inputs.Count == 1 ? inputs[0].Json : MergeAsArray(inputs.Select(i => i.Json));

        using var output = OutputFolder.Begin(outputDirectory, OutputKind.Report, jsonPaths, force);
        File.WriteAllText(Path.Combine(output.Directory, MarkdownFileName), markdown, Utf8NoBom);
        File.WriteAllText(Path.Combine(output.Directory, HtmlFileName), html, Utf8NoBom);
        File.WriteAllText(Path.Combine(output.Directory, JsonFileName), EndWithNewline(json), Utf8NoBom);
        output.Commit();
        var markdownPath = Path.Combine(output.Target, MarkdownFileName);
        var htmlPath = Path.Combine(output.Target, HtmlFileName);
        var jsonPath = Path.Combine(output.Target, JsonFileName);
        return new RenderedReport(markdownPath, htmlPath, jsonPath, reports);
    }

    private static (string Path, string Json, Report Report) Read(string path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new ArgumentException("A report path is empty.", nameof(path));
        }

        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: report file not found.", path);
        }

        string json;
        try
        {
            json = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"{path}: cannot read the report ({ex.Message}).", ex);
        }

        Report report;
        try
        {
            report = Report.FromJson(json, path);
        }
        catch (InvalidDataException)
        {
            throw;
        }
        catch (Exception ex) when (ex is NotSupportedException or ArgumentException or InvalidOperationException or FormatException or OverflowException)
        {
            throw new InvalidDataException($"{path}: not a fastbert report ({ex.Message}).", ex);
        }

        ReportValidator.Validate(report, path);
        return (path, json, report);
    }

    private static string MergeAsArray(IEnumerable<string> documents)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartArray();
            foreach (var text in documents)
            {
                using var document = JsonDocument.Parse(text);
                document.RootElement.WriteTo(writer);
            }

            writer.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static string EndWithNewline(string text) => text.EndsWith('\n') ? text : text + "\n";
}
