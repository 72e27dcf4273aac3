using System.Text;
using FastBert.Tool;

ParentProcessWatch.Start();
Console.OutputEncoding = new UTF8Encoding(false);
Console.InputEncoding = new UTF8Encoding(false);
return TrainCli.Run(args, Console.Out, Console.Error);
