using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;

namespace FastBert.Service.Tests.Triton;

/// <summary>
/// A stand-in for Triton serving one model of a repository over the KServe v2 HTTP/JSON protocol, on a loopback port:
/// <c>POST /v2/models/&lt;name&gt;/infer</c> runs <c>repo/&lt;name&gt;/1/model.onnx</c> with ONNX Runtime on the
/// request's INT64 tensors and answers the FP32 logits, as Triton's onnxruntime backend does.
/// </summary>
internal sealed class V2InferenceServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly InferenceSession _session;

    private V2InferenceServer(WebApplication app, InferenceSession session, Uri address)
    {
        _app = app;
        _session = session;
        Address = address;
    }

    public Uri Address { get; }

    public int InferRequests;

    public static async Task<V2InferenceServer> StartAsync(string repository, string name)
    {
        var session = new InferenceSession(Path.Combine(repository, name, "1", "model.onnx"));
        var builder = WebApplication.CreateSlimBuilder(["--urls", "http://127.0.0.1:0"]);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        V2InferenceServer? server = null;
        app.MapPost("/v2/models/{model}/infer", async (string model, HttpContext context) =>
        {
            if (model != name)
            {
                return Results.Json(new { error = $"Request for unknown model: '{model}' is not found" }, statusCode: StatusCodes.Status404NotFound);
            }

            Interlocked.Increment(ref server!.InferRequests);
            using var request = await JsonDocument.ParseAsync(context.Request.Body);
            return Results.Json(Infer(session, name, request.RootElement));
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        server = new V2InferenceServer(app, session, new Uri(address + "/"));
        return server;
    }

    private static object Infer(InferenceSession session, string name, JsonElement request)
    {
        var names = new List<string>();
        var values = new List<OrtValue>();
        try
        {
            foreach (var input in request.GetProperty("inputs").EnumerateArray())
            {
                Assert.Equal("INT64", input.GetProperty("datatype").GetString());
                var shape = input.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray();
                var data = input.GetProperty("data").EnumerateArray().Select(v => v.GetInt64()).ToArray();
                Assert.Equal(shape.Aggregate(1L, (a, b) => a * b), data.Length);
                names.Add(input.GetProperty("name").GetString()!);
                values.Add(OrtValue.CreateTensorValueFromMemory(data, shape));
            }

            using var runOptions = new RunOptions();
            using var outputs = session.Run(runOptions, names, values, ["logits"]);
            var logits = outputs[0];
            return new
            {
                model_name = name,
                model_version = "1",
                outputs = new[]
                {
                    new
                    {
                        name = "logits",
                        datatype = "FP32",
                        shape = logits.GetTensorTypeAndShape().Shape,
                        data = logits.GetTensorDataAsSpan<float>().ToArray(),
                    },
                },
            };
        }
        finally
        {
            foreach (var value in values)
            {
                value.Dispose();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        _session.Dispose();
    }
}
