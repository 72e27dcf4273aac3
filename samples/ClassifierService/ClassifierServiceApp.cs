using System.Text.Json;
using System.Text.Json.Serialization;
using FastBert;
using Microsoft.AspNetCore.Http.Json;

namespace ClassifierService;

/// <summary>Builds the service: the spam classifier through DI, a micro-batcher in front of it, and the endpoints.</summary>
public static class ClassifierServiceApp
{
    /// <summary>
    /// The configured application, model loaded (a model that cannot load throws <see cref="ModelLoadException"/> here,
    /// not on the first request). <paramref name="configureServices"/> runs after the service's own registrations.
    /// </summary>
    public static WebApplication Build(string[] args, Action<IServiceCollection>? configureServices = null)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.Logging.AddSimpleConsole(console => console.SingleLine = true);

        var options = builder.Configuration.GetSection(ServiceOptions.SectionName).Get<ServiceOptions>() ?? new ServiceOptions();
        options.Validate();
        builder.Services.AddSingleton(options);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = options.MaxRequestBytes);
        builder.Services.Configure<JsonOptions>(json =>
        {
            json.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
            json.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower));
        });

        // The classifier's options (IntraOpThreads, MaxBatchSize, MaxTokens…) from the SpamClassifier section.
        builder.Services.Configure<BertClassifierOptions>(SpamClassifier.OptionsName, builder.Configuration.GetSection(SpamClassifier.OptionsName));
        builder.Services.AddSpamClassifier();
        if (options.MicroBatching)
        {
            builder.Services.AddSingleton<IRequestClassifier<SpamLabel>, MicroBatcher<SpamLabel>>();
        }
        else
        {
            builder.Services.AddSingleton<IRequestClassifier<SpamLabel>, DirectRequestClassifier<SpamLabel>>();
        }

        configureServices?.Invoke(builder.Services);

        var app = builder.Build();
        app.Services.GetRequiredService<IRequestClassifier<SpamLabel>>();
        app.MapClassifierEndpoints<SpamLabel>();
        return app;
    }

    /// <summary><c>POST /classify</c>, <c>GET /health</c> and <c>GET /model</c> for the registered classifier.</summary>
    public static void MapClassifierEndpoints<TLabel>(this WebApplication app)
        where TLabel : struct, Enum
    {
        var lifetime = app.Lifetime;
        app.MapGet("/health", () => lifetime.ApplicationStopping.IsCancellationRequested
            ? Results.Json(new { status = "stopping" }, statusCode: StatusCodes.Status503ServiceUnavailable)
            : Results.Json(new { status = "ok" }));

        app.MapGet("/model", (ITextClassifier<TLabel> classifier) => Results.Json(classifier.Info));

        app.MapPost("/classify", ClassifyAsync<TLabel>);
    }

    private static async Task<IResult> ClassifyAsync<TLabel>(
        HttpContext context,
        IRequestClassifier<TLabel> requests,
        ITextClassifier<TLabel> classifier,
        ServiceOptions options)
        where TLabel : struct, Enum
    {
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        }
        catch (JsonException exception)
        {
            return Error(StatusCodes.Status400BadRequest, $"The body is not valid JSON ({exception.Message}); send {ClassifyRequest.ExpectedShape}.");
        }
        catch (BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Error(StatusCodes.Status413PayloadTooLarge, $"The body is larger than {options.MaxRequestBytes} bytes (Service:MaxRequestBytes); split the texts over several requests.");
        }

        ClassifyRequest? request;
        string? error;
        using (document)
        {
            request = ClassifyRequest.Read(document.RootElement, out error);
        }

        if (request is null)
        {
            return Error(StatusCodes.Status400BadRequest, error!);
        }

        if (request.Texts.Count > options.MaxTextsPerRequest)
        {
            return Error(StatusCodes.Status413PayloadTooLarge, $"The body has {request.Texts.Count} texts; at most {options.MaxTextsPerRequest} (Service:MaxTextsPerRequest) go in one request.");
        }

        var predictions = await requests.ClassifyAsync(request.Texts, context.RequestAborted);
        var labelNames = classifier.Info.LabelNames;
        if (!request.IsBatch)
        {
            return Results.Json(PredictionResponse.From(predictions[0], labelNames));
        }

        var items = new PredictionResponse[predictions.Count];
        for (var i = 0; i < items.Length; i++)
        {
            items[i] = PredictionResponse.From(predictions[i], labelNames);
        }

        return Results.Json(new BatchResponse(items));
    }

    private static IResult Error(int statusCode, string message) => Results.Json(new ErrorResponse(message), statusCode: statusCode);
}

/// <summary>One text's answer: the fields of <c>fastbert predict</c>'s lines plus the token count and truncation.</summary>
public sealed record PredictionResponse(string Label, int Index, float Confidence, IReadOnlyDictionary<string, float> Probabilities, int TokenCount, bool Truncated)
{
    /// <summary>The answer for <paramref name="prediction"/>, labels named as the model names them.</summary>
    public static PredictionResponse From<TLabel>(Prediction<TLabel> prediction, IReadOnlyList<string> labelNames)
        where TLabel : struct, Enum
    {
        var probabilities = new Dictionary<string, float>(labelNames.Count);
        for (var i = 0; i < labelNames.Count; i++)
        {
            probabilities[labelNames[i]] = prediction.Scores[i];
        }

        return new PredictionResponse(labelNames[prediction.Index], prediction.Index, prediction.Confidence, probabilities, prediction.TokenCount, prediction.Truncated);
    }
}

/// <summary>A batch's answers, in request order.</summary>
public sealed record BatchResponse(IReadOnlyList<PredictionResponse> Predictions);

/// <summary>Every 4xx body: what is wrong and how to fix it.</summary>
public sealed record ErrorResponse(string Error);
