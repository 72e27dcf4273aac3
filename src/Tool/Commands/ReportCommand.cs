using System.CommandLine;
using FastBert.Models.Reports;

namespace FastBert.Tool.Commands;

/// <summary>
/// <c>fastbert report &lt;result.json&gt;... --output &lt;dir&gt; [--force]</c>: report.md and a self-contained report.html
/// (inline SVG charts) from the JSON written by evaluate, benchmark and quantize.
/// </summary>
internal static class ReportCommand
{
    public static Command Create()
    {
        var inputs = new Argument<FileInfo[]>("result.json") { Description = "Report files (fastbert.report/v1) from evaluate, benchmark or quantize --json.", Arity = ArgumentArity.OneOrMore };
        var output = new Option<DirectoryInfo>("--output", "-o") { Description = "Folder for report.md, report.html and report.json (an earlier report there is replaced; a folder of other files needs --force).", Required = true };
        var force = ForceOption.Create("report.json");
        var command = new Command("report", "Render JSON results as report.md and a self-contained report.html with charts.\nExample: fastbert report eval.json bench.json --output ./report")
        {
            inputs,
            output,
            force,
        };
        command.SetAction(parse =>
        {
            var rendered = ReportRenderer.RenderToDirectory(parse.GetRequiredValue(inputs).Select(f => f.FullName).ToList(), parse.GetRequiredValue(output).FullName, parse.GetValue(force));
            parse.InvocationConfiguration.Output.WriteLine($"Wrote {rendered.MarkdownPath}, {rendered.HtmlPath} and {rendered.JsonPath}");
            return ExitCodes.Success;
        });
        return command;
    }
}
