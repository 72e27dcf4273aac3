using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NSubstitute;

namespace FastBert.Sdk.Tests;

/// <summary>
/// The generated <c>services.AddSpamClassifier()</c> (this project references Microsoft.Extensions.DependencyInjection
/// and Options), the classifier's load log, and <see cref="ITextClassifier{TLabel}"/> as a consumer's seam.
/// </summary>
public sealed class DependencyInjectionTests
{
    [Fact]
    public void AddSpamClassifier_ResolvesOneSharedInstance_AsTheClassAndAsITextClassifier_AndTheContainerDisposesIt()
    {
        SpamClassifier first;
        using (var provider = new ServiceCollection().AddSpamClassifier().AddSpamClassifier().BuildServiceProvider())
        {
            first = provider.GetRequiredService<SpamClassifier>();
            Assert.Same(first, provider.GetRequiredService<SpamClassifier>());
            Assert.Same(first, provider.GetRequiredService<ITextClassifier<SpamLabel>>());
            using (var scope = provider.CreateScope())
            {
                Assert.Same(first, scope.ServiceProvider.GetRequiredService<ITextClassifier<SpamLabel>>());
            }

            Assert.Equal(SpamLabel.Spam, first.Predict("WINNER!! claim your £1000 prize, call 09061701461 now").Label);
        }

        Assert.Throws<ObjectDisposedException>(() => first.Predict("hello"));
    }

    [Fact]
    public void Options_BindFromConfiguration_UnderTheClassifiersOptionsName_AndConfigureRunsAfterThem()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Classifiers:Spam:MaxTokens"] = "16",
                ["Classifiers:Spam:MaxBatchSize"] = "4",
                ["Classifiers:Spam:IntraOpThreads"] = "1",
            })
            .Build();
        var services = new ServiceCollection();
        services.Configure<BertClassifierOptions>(SpamClassifier.OptionsName, configuration.GetSection("Classifiers:Spam"));
        services.AddSpamClassifier(options => options.MaxBatchSize = 8);
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptionsMonitor<BertClassifierOptions>>().Get(SpamClassifier.OptionsName);
        Assert.Equal(16, options.MaxTokens);
        Assert.Equal(1, options.IntraOpThreads);
        Assert.Equal(8, options.MaxBatchSize);

        // The bound token limit reaches the loaded model: a long text is cut at 16 tokens.
        var spam = provider.GetRequiredService<SpamClassifier>();
        Assert.Equal(16, spam.Info.MaxTokens);
        var prediction = spam.Predict(string.Join(' ', Enumerable.Repeat("free prize call now", 20)));
        Assert.True(prediction.Truncated);
        Assert.Equal(16, prediction.TokenCount);
    }

    [Fact]
    public void WithALoggerInTheContainer_LoadLogsItsTimeAndTheModel()
    {
        var sink = new ListLoggerProvider();
        using var provider = new ServiceCollection()
            .AddLogging(logging => logging.AddProvider(sink))
            .AddSpamClassifier()
            .BuildServiceProvider();

        var spam = provider.GetRequiredService<ITextClassifier<SpamLabel>>();

        var entry = Assert.Single(sink.Entries, e => e.Category == typeof(SpamClassifier).FullName);
        Assert.Equal(LogLevel.Information, entry.Level);
        Assert.StartsWith($"Loaded model spam from {spam.Info.Directory} in ", entry.Message, StringComparison.Ordinal);
        Assert.Matches(@" in \d+\.\d ms: bert, labels \[ham, spam\], max 128 tokens, quantization none, source ", entry.Message);
    }

    [Fact]
    public void AModelFolderThatDoesNotExist_IsLoggedAsAnError_AndThrown()
    {
        var sink = new ListLoggerProvider();
        using var factory = LoggerFactory.Create(logging => logging.AddProvider(sink));
        var missing = Path.Combine(Path.GetTempPath(), "fastbert-no-such-model-" + Guid.NewGuid().ToString("N"));

        Assert.Throws<ModelLoadException>(() => SpamClassifier.Load(missing, null, factory.CreateLogger<SpamClassifier>()));

        var entry = Assert.Single(sink.Entries);
        Assert.Equal(LogLevel.Error, entry.Level);
        Assert.Contains(missing, entry.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AConsumerOfITextClassifier_CanBeTestedWithASubstitute()
    {
        var classifier = Substitute.For<ITextClassifier<SpamLabel>>();
        classifier.PredictAsync("win money", Arg.Any<CancellationToken>())
            .Returns(new Prediction<SpamLabel>([SpamLabel.Ham, SpamLabel.Spam], [0.1f, 0.9f]));
        classifier.PredictAsync("see you at 6", Arg.Any<CancellationToken>())
            .Returns(new Prediction<SpamLabel>([SpamLabel.Ham, SpamLabel.Spam], [0.8f, 0.2f]));
        var inbox = new Inbox(classifier);

        Assert.Equal(["see you at 6"], await inbox.KeepAsync(["win money", "see you at 6"]));
        await classifier.Received(2).PredictAsync(Arg.Any<string>(), Arg.Any<CancellationToken>());
    }

    // The consumer under test: code that depends on the interface only.
    private sealed class Inbox(ITextClassifier<SpamLabel> spam)
    {
        public async Task<List<string>> KeepAsync(IEnumerable<string> messages)
        {
            var kept = new List<string>();
            foreach (var message in messages)
            {
                if ((await spam.PredictAsync(message)).Label == SpamLabel.Ham)
                {
                    kept.Add(message);
                }
            }

            return kept;
        }
    }

    private sealed record LogEntry(string Category, LogLevel Level, string Message);

    private sealed class ListLoggerProvider : ILoggerProvider
    {
        private readonly List<LogEntry> _entries = [];

        public IReadOnlyList<LogEntry> Entries
        {
            get
            {
                lock (_entries)
                {
                    return [.. _entries];
                }
            }
        }

        public ILogger CreateLogger(string categoryName) => new ListLogger(categoryName, this);

        public void Dispose()
        {
        }

        private sealed class ListLogger(string category, ListLoggerProvider provider) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                lock (provider._entries)
                {
                    provider._entries.Add(new LogEntry(category, logLevel, formatter(state, exception)));
                }
            }
        }
    }
}
