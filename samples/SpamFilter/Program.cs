using SpamFilter;

// Usage: SpamFilter "message" ["message" ...]   or one message per line on stdin.
using var spam = SpamClassifier.Load();

if (args.Length > 0)
{
    foreach (var prediction in spam.PredictBatch(args))
    {
        Console.WriteLine(prediction);
    }

    return;
}

while (Console.ReadLine() is { } line)
{
    Console.WriteLine(spam.Predict(line));
}
