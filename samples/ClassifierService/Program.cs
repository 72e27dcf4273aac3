using ClassifierService;
using FastBert;

// Usage: ClassifierService [--urls http://127.0.0.1:5000] [--Service:MicroBatching=false] [--SpamClassifier:IntraOpThreads=2]
WebApplication app;
try
{
    app = ClassifierServiceApp.Build(args);
}
catch (Exception exception) when (exception is ModelLoadException or InvalidOperationException)
{
    Console.Error.WriteLine($"ClassifierService: {exception.Message}");
    return 1;
}

await app.RunAsync();
return 0;
