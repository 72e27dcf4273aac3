using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ClassifierService;
using FastBert.Tests;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FastBert.Service.Tests;

/// <summary>samples/ClassifierService over real HTTP on a loopback port, checked against the classifier it serves.</summary>
public sealed class ClassifierServiceTests
{
    private static readonly IReadOnlyList<string> Texts = SmsData.HeldOut().Take(48).Select(m => m.Text).ToList();

    [Fact]
    public async Task ConcurrentSingleTextRequests_AnswerAsTheClassifierDoesDirectly_InSharedBatches()
    {
        GatedClassifier? gate = null;
        await using var host = await ServiceHost.StartAsync(configureServices: services => services.Replace(ServiceDescriptor.Singleton<ITextClassifier<SpamLabel>>(
            provider => gate = new GatedClassifier(provider.GetRequiredService<SpamClassifier>()))));
        gate!.Open();

        var responses = await Task.WhenAll(Texts.Select(text => host.Client.PostAsJsonAsync("/classify", new { text })));

        for (var i = 0; i < Texts.Count; i++)
        {
            Assert.Equal(HttpStatusCode.OK, responses[i].StatusCode);
            var answer = await responses[i].Content.ReadFromJsonAsync<JsonElement>();
            AssertSameAnswer(host.Classifier.Predict(Texts[i]), answer, host.Classifier.Info.LabelNames);
        }

        // 48 concurrent requests cannot all have needed their own batch call.
        Assert.Equal(Texts.Count, gate.BatchSizes.Sum());
        Assert.True(gate.BatchSizes.Count < Texts.Count, $"batch sizes: {string.Join(", ", gate.BatchSizes)}");
    }

    [Fact]
    public async Task RequestsQueuedWhileABatchRuns_GoTogetherIntoTheNextBatchCall()
    {
        GatedClassifier? gate = null;
        await using var host = await ServiceHost.StartAsync(configureServices: services => services.Replace(ServiceDescriptor.Singleton<ITextClassifier<SpamLabel>>(
            provider => gate = new GatedClassifier(provider.GetRequiredService<SpamClassifier>()))));
        var batcher = (MicroBatcher<SpamLabel>)host.App.Services.GetRequiredService<IRequestClassifier<SpamLabel>>();

        var first = host.Client.PostAsJsonAsync("/classify", new { text = Texts[0] });
        await gate!.WaitUntilEnteredAsync();
        var queued = Texts.Skip(1).Take(5).Select(text => host.Client.PostAsJsonAsync("/classify", new { text })).ToList();
        await WaitUntilAsync(() => batcher.QueuedRequests == 5);
        gate.Open();

        Assert.All(await Task.WhenAll([first, .. queued]), response => Assert.Equal(HttpStatusCode.OK, response.StatusCode));
        Assert.Equal([1, 5], gate.BatchSizes);
    }

    [Fact]
    public async Task BatchRequest_AnswersInOrder_AsPredictBatchDoes()
    {
        await using var host = await ServiceHost.StartAsync();

        var response = await host.Client.PostAsJsonAsync("/classify", new { texts = Texts });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var predictions = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("predictions");
        Assert.Equal(Texts.Count, predictions.GetArrayLength());
        var direct = host.Classifier.PredictBatch(Texts);
        for (var i = 0; i < Texts.Count; i++)
        {
            AssertSameAnswer(direct[i], predictions[i], host.Classifier.Info.LabelNames);
        }

        var spam = direct.Count(p => p.Label == SpamLabel.Spam);
        Assert.InRange(spam, 1, Texts.Count - 1); // the held-out texts are a mix, so the comparison covers both labels
    }

    [Fact]
    public async Task WithoutMicroBatching_EachRequestIsItsOwnBatch_WithTheSameAnswers()
    {
        await using var host = await ServiceHost.StartAsync(["--Service:MicroBatching=false"]);
        Assert.IsType<DirectRequestClassifier<SpamLabel>>(host.App.Services.GetRequiredService<IRequestClassifier<SpamLabel>>());

        var response = await host.Client.PostAsJsonAsync("/classify", new { text = Texts[3] });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        AssertSameAnswer(host.Classifier.Predict(Texts[3]), await response.Content.ReadFromJsonAsync<JsonElement>(), host.Classifier.Info.LabelNames);
    }

    [Theory]
    [InlineData("{\"text\": \"unterminated", "not valid JSON")]
    [InlineData("", "not valid JSON")]
    [InlineData("{\"message\": \"hello\"}", "no \"text\" or \"texts\" property")]
    [InlineData("{\"text\": 42}", "\"text\" is a number; it must be a string")]
    [InlineData("{\"texts\": [\"a\", null]}", "\"texts\"[1] is null")]
    [InlineData("{\"text\": \"a\", \"texts\": [\"b\"]}", "both \"text\" and \"texts\"")]
    [InlineData("[\"hello\"]", "The body is JSON an array")]
    public async Task BadBodies_Get400_WithAJsonErrorSayingWhatIsWrong(string body, string expected)
    {
        await using var host = await ServiceHost.StartAsync();

        var response = await host.Client.PostAsync("/classify", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString();
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.Contains(ClassifyRequest.ExpectedShape, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OversizedBodies_Get413_WhetherTheLengthIsDeclaredOrStreamed_AndTooManyTextsToo()
    {
        await using var host = await ServiceHost.StartAsync(["--Service:MaxRequestBytes=1000", "--Service:MaxTextsPerRequest=4"]);
        var big = JsonSerializer.Serialize(new { text = new string('a', 2000) });

        var declared = await host.Client.PostAsync("/classify", new StringContent(big, Encoding.UTF8, "application/json"));
        var streamed = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(big)));
        streamed.Headers.ContentType = new("application/json");
        var chunked = new HttpRequestMessage(HttpMethod.Post, "/classify") { Content = streamed };
        chunked.Headers.TransferEncodingChunked = true;
        var streamedResponse = await host.Client.SendAsync(chunked);
        var tooMany = await host.Client.PostAsJsonAsync("/classify", new { texts = Texts.Take(5).Select(t => t[..Math.Min(t.Length, 20)]) });

        foreach (var (response, expected) in new[] { (declared, "larger than 1000 bytes"), (streamedResponse, "larger than 1000 bytes"), (tooMany, "5 texts; at most 4") })
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
            var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString();
            Assert.Contains(expected, error, StringComparison.Ordinal);
        }

        // Just under the limit is served.
        var fits = await host.Client.PostAsJsonAsync("/classify", new { text = new string('a', 900) });
        Assert.Equal(HttpStatusCode.OK, fits.StatusCode);
    }

    [Fact]
    public async Task HealthAndModel_DescribeTheLoadedClassifier()
    {
        await using var host = await ServiceHost.StartAsync();

        var health = await host.Client.GetAsync("/health");
        var model = await host.Client.GetFromJsonAsync<JsonElement>("/model");

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("ok", (await health.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        var info = host.Classifier.Info;
        Assert.Equal(info.Directory, model.GetProperty("directory").GetString());
        Assert.Equal(info.LabelNames, model.GetProperty("labelNames").EnumerateArray().Select(e => e.GetString()!));
        Assert.Equal(info.MaxTokens, model.GetProperty("maxTokens").GetInt32());
        Assert.Equal(info.Sha256, model.GetProperty("sha256").GetString());
        Assert.Equal(FastBert.ModelFolders.FileHashes.Sha256(info.ModelFile), info.Sha256);
        Assert.Equal("single-label", model.GetProperty("problem").GetString());
    }

    [Fact]
    public async Task Shutdown_FinishesTheRunningBatchAndTheQueuedRequests_ThenRefusesNewOnes()
    {
        GatedClassifier? gate = null;
        var host = await ServiceHost.StartAsync(configureServices: services => services.Replace(ServiceDescriptor.Singleton<ITextClassifier<SpamLabel>>(
            provider => gate = new GatedClassifier(provider.GetRequiredService<SpamClassifier>()))));
        var batcher = (MicroBatcher<SpamLabel>)host.App.Services.GetRequiredService<IRequestClassifier<SpamLabel>>();
        var expected = host.Classifier.PredictBatch(Texts.Take(2).ToList());
        var address = host.Client.BaseAddress!;
        var labelNames = host.Classifier.Info.LabelNames;

        var running = host.Client.PostAsJsonAsync("/classify", new { text = Texts[0] });
        await gate!.WaitUntilEnteredAsync();
        var queued = host.Client.PostAsJsonAsync("/classify", new { text = Texts[1] });
        await WaitUntilAsync(() => batcher.QueuedRequests == 1);

        var stopping = host.App.StopAsync();
        await WaitUntilAsync(() => host.App.Lifetime.ApplicationStopping.IsCancellationRequested);
        gate.Open();
        var answers = await Task.WhenAll(running, queued);
        await stopping;
        await host.DisposeAsync();

        for (var i = 0; i < answers.Length; i++)
        {
            Assert.Equal(HttpStatusCode.OK, answers[i].StatusCode);
            AssertSameAnswer(expected[i], await answers[i].Content.ReadFromJsonAsync<JsonElement>(), labelNames);
        }

        using var late = new HttpClient { BaseAddress = address };
        await Assert.ThrowsAsync<HttpRequestException>(() => late.GetAsync("/health"));
    }

    private static void AssertSameAnswer(Prediction<SpamLabel> direct, JsonElement answer, IReadOnlyList<string> labelNames)
    {
        Assert.Equal(labelNames[direct.Index], answer.GetProperty("label").GetString());
        Assert.Equal(direct.Index, answer.GetProperty("index").GetInt32());
        Assert.Equal(direct.TokenCount, answer.GetProperty("tokenCount").GetInt32());
        Assert.Equal(direct.Truncated, answer.GetProperty("truncated").GetBoolean());
        var probabilities = answer.GetProperty("probabilities");
        for (var i = 0; i < labelNames.Count; i++)
        {
            // A text batched with longer ones is padded; the masked padding moves its logits by float rounding only.
            Assert.Equal(direct.Scores[i], probabilities.GetProperty(labelNames[i]).GetSingle(), 1e-4f);
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var giveUp = DateTime.UtcNow.AddSeconds(60);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < giveUp, "the service never reached the expected state");
            await Task.Delay(10);
        }
    }
}
