using System.Text;
using FastBert.Tool;

Console.OutputEncoding = new UTF8Encoding(false);
Console.InputEncoding = new UTF8Encoding(false);
return Cli.Run(args, Console.In, Console.Out, Console.Error);
