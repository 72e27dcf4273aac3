namespace FastBert.Tool.Tests;

/// <summary>Runs the fastbert command line in-process with captured streams.</summary>
internal static class CliRunner
{
    public static (int Exit, string Output, string Error) Run(string stdin, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = Cli.Run(args, new StringReader(stdin), output, error);
        return (exit, output.ToString(), error.ToString());
    }
}
