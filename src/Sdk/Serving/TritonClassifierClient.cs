using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using FastBert.ModelFolders;
using FastBert.Tokenization;

namespace FastBert.Serving;

/// <summary>A model server answered an inference request with an error, or with a body that is not the expected logits.</summary>
public sealed class TritonInferenceException(string message, Exception? innerException = null) : Exception(message, innerException);

/// <summary>
/// A client for a classifier served by Triton Inference Server (or KServe, or any server of the KServe v2 inference
/// protocol): tokenizes texts here with the model folder's tokenizer, sends <c>POST /v2/models/&lt;name&gt;/infer</c>
/// with input_ids / attention_mask / token_type_ids as INT64 tensors in JSON, and turns the returned logits into typed
/// predictions, exactly as the in-process classifier would. Thread-safe; one instance per model.
/// </summary>
/// <typeparam name="TLabel">The label enum (a generated one, or your own), in model output order.</typeparam>
public sealed class TritonClassifierClient<TLabel>
    where TLabel : struct, Enum
{
    private readonly HttpClient _http;
    private readonly BertTextTokenizer _tokenizer;
    private readonly IReadOnlyList<TLabel> _labels;
    private readonly string _inferPath;

    private TritonClassifierClient(HttpClient http, BertTextTokenizer tokenizer, IReadOnlyList<TLabel> labels, string modelName, int maxTokens)
    {
        _http = http;
        _tokenizer = tokenizer;
        _labels = labels;
        ModelName = modelName;
        MaxTokens = maxTokens;
        _inferPath = "v2/models/" + Uri.EscapeDataString(modelName) + "/infer";
    }

    /// <summary>The served model's name.</summary>
    public string ModelName { get; }

    /// <summary>Token limit per text, [CLS] and [SEP] included.</summary>
    public int MaxTokens { get; }

    /// <summary>
    /// A client for the model in <paramref name="modelDirectory"/>: a folder with vocab.txt (or tokenizer.json) and
    /// config.json, e.g. <c>repo/&lt;name&gt;/</c> as <c>fastbert export --format triton</c> writes it.
    /// </summary>
    /// <param name="http">Sends the requests; its BaseAddress is the server (<c>http://triton:8000/</c>).</param>
    /// <param name="modelDirectory">The tokenizer files and config.json.</param>
    /// <param name="modelName">The name the server knows the model by; default the folder's name.</param>
    /// <param name="labels">The labels in output order; default the enum's values in declaration order.</param>
    /// <param name="maxTokens">Token limit; default config.json's max_position_embeddings (512 when absent), as the in-process classifier.</param>
    /// <exception cref="TokenizerLoadException">The tokenizer files are missing or unreadable.</exception>
    /// <exception cref="ConfigException">config.json is unreadable.</exception>
    /// <exception cref="ArgumentException">The labels' count differs from config.json's.</exception>
    public static TritonClassifierClient<TLabel> FromModelDirectory(HttpClient http, string modelDirectory, string? modelName = null, IReadOnlyList<TLabel>? labels = null, int? maxTokens = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(modelDirectory);
        var directory = Path.GetFullPath(modelDirectory);
        var tokenizer = BertTextTokenizer.FromModelDirectory(directory);
        var config = ConfigJson.Load(Path.Combine(directory, ModelFolder.ConfigFile));
        var modelLabels = config.LabelsOrDefault();
        labels ??= Enum.GetValues<TLabel>();
        if (labels.Count != modelLabels.Count)
        {
            throw new ArgumentException($"{config.Path} has {modelLabels.Count} labels ({string.Join(", ", modelLabels)}) but {typeof(TLabel).Name} gives {labels.Count}; pass the labels in output order.", nameof(labels));
        }

        var limit = config.OptionalInt("max_position_embeddings", min: 1, max: ConfigJson.Limits.PositionEmbeddings) ?? 512;
        var tokens = maxTokens ?? limit;
        ArgumentOutOfRangeException.ThrowIfLessThan(tokens, 2, nameof(maxTokens));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(tokens, limit, nameof(maxTokens));
        return new TritonClassifierClient<TLabel>(http, tokenizer, labels, modelName ?? Path.GetFileName(Path.TrimEndingDirectorySeparator(directory)), tokens);
    }

    /// <summary>Classifies one text on the server.</summary>
    public async Task<Prediction<TLabel>> PredictAsync(string text, CancellationToken cancellationToken = default) =>
        (await PredictBatchAsync([text], cancellationToken).ConfigureAwait(false))[0];

    /// <summary>Classifies texts in one inference request (one batch, padded to the longest); results keep input order.</summary>
    /// <exception cref="TritonInferenceException">The server answered with an error or an unexpected body.</exception>
    /// <exception cref="HttpRequestException">The server could not be reached.</exception>
    public async Task<IReadOnlyList<Prediction<TLabel>>> PredictBatchAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        if (texts.Count == 0)
        {
            return [];
        }

        var batch = Encode(texts);
        using var content = new ByteArrayContent(CreateRequestBody(batch));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await _http.PostAsync(_inferPath, content, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new TritonInferenceException($"{_http.BaseAddress}{_inferPath} answered {(int)response.StatusCode} {response.ReasonPhrase}: {ErrorText(body)}");
        }

        return ReadResponse(body, batch);
    }

    /// <summary>The texts tokenized as the in-process classifier tokenizes them.</summary>
    public EncodedBatch Encode(IReadOnlyList<string> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var ids = new int[texts.Count][];
        var truncated = new bool[texts.Count];
        for (var i = 0; i < texts.Count; i++)
        {
            ArgumentNullException.ThrowIfNull(texts[i], nameof(texts));
            ids[i] = _tokenizer.Encode(texts[i], MaxTokens, out truncated[i]);
        }

        return new EncodedBatch(ids, truncated);
    }

    /// <summary>
    /// The v2 inference request for a batch: the three inputs as [batch, longest] INT64 tensors (row-major data,
    /// padding id and mask 0, token types 0), asking for the logits output.
    /// </summary>
    public byte[] CreateRequestBody(EncodedBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var rows = batch.Ids.Count;
        var width = batch.Ids.Max(row => row.Length);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartArray("inputs");
            WriteInput(json, "input_ids", rows, width, (row, column) => column < batch.Ids[row].Length ? batch.Ids[row][column] : _tokenizer.PadId);
            WriteInput(json, "attention_mask", rows, width, (row, column) => column < batch.Ids[row].Length ? 1 : 0);
            WriteInput(json, "token_type_ids", rows, width, (_, _) => 0);
            json.WriteEndArray();
            json.WriteStartArray("outputs");
            json.WriteStartObject();
            json.WriteString("name", "logits");
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>Reads the logits output of a v2 inference response into one prediction per row of <paramref name="batch"/>.</summary>
    /// <exception cref="TritonInferenceException">The body has no FP32 logits of shape [batch, labels].</exception>
    public IReadOnlyList<Prediction<TLabel>> ReadResponse(ReadOnlySpan<byte> body, EncodedBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var rows = batch.Ids.Count;
        float[] logits;
        try
        {
            var reader = new Utf8JsonReader(body);
            using var document = JsonDocument.ParseValue(ref reader);
            var output = document.RootElement.GetProperty("outputs").EnumerateArray()
                .FirstOrDefault(o => o.GetProperty("name").GetString() == "logits");
            if (output.ValueKind != JsonValueKind.Object)
            {
                throw new TritonInferenceException($"The response of model {ModelName} has no 'logits' output.");
            }

            var shape = output.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray();
            if (shape.Length != 2 || shape[0] != rows || shape[1] != _labels.Count)
            {
                throw new TritonInferenceException($"Model {ModelName} returned logits of shape [{string.Join(", ", shape)}]; expected [{rows}, {_labels.Count}] ({rows} texts, {_labels.Count} labels).");
            }

            logits = output.GetProperty("data").EnumerateArray().Select(v => v.GetSingle()).ToArray();
        }
        catch (Exception exception) when (exception is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new TritonInferenceException($"The response of model {ModelName} is not a v2 inference response with FP32 logits: {exception.Message}", exception);
        }

        if (logits.Length != rows * _labels.Count)
        {
            throw new TritonInferenceException($"Model {ModelName} returned {logits.Length} logits for {rows} texts × {_labels.Count} labels.");
        }

        var predictions = new Prediction<TLabel>[rows];
        for (var row = 0; row < rows; row++)
        {
            var probabilities = Softmax.Compute(logits.AsSpan(row * _labels.Count, _labels.Count));
            predictions[row] = new Prediction<TLabel>(_labels, probabilities, batch.Ids[row].Length, batch.Truncated[row]);
        }

        return predictions;
    }

    private static void WriteInput(Utf8JsonWriter json, string name, int rows, int width, Func<int, int, long> value)
    {
        json.WriteStartObject();
        json.WriteString("name", name);
        json.WriteStartArray("shape");
        json.WriteNumberValue(rows);
        json.WriteNumberValue(width);
        json.WriteEndArray();
        json.WriteString("datatype", "INT64");
        json.WriteStartArray("data");
        for (var row = 0; row < rows; row++)
        {
            for (var column = 0; column < width; column++)
            {
                json.WriteNumberValue(value(row, column));
            }
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static string ErrorText(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("error", out var error))
            {
                return error.ToString();
            }
        }
        catch (JsonException)
        {
        }

        var text = Encoding.UTF8.GetString(body);
        return text.Length > 500 ? text[..500] + "…" : text;
    }
}

/// <summary>Token ids of a batch of texts, one row per text (unpadded), and which texts were cut at the token limit.</summary>
public sealed record EncodedBatch(IReadOnlyList<int[]> Ids, IReadOnlyList<bool> Truncated);
