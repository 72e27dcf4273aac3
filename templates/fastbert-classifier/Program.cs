using FastBertApp;

using var classifier = TextClassifier.Load();
foreach (var text in args.Length > 0 ? args : ["Type some text to classify as arguments."])
{
    var prediction = classifier.Predict(text);
    Console.WriteLine($"{prediction}  <- {text}");
}
