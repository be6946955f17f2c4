using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using MlNetFashion.Scoring.Api;
using MlNetFashion.Scoring.Classification;

namespace MlNetFashion.Scoring.Tests.Api;

/// <summary>The service on Kestrel at 127.0.0.1 on a free port (browser and load tests).</summary>
public sealed class RealServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private RealServer(WebApplication app, string url, FashionClassifier classifier) => (_app, Url, Classifier) = (app, url, classifier);

    public string Url { get; }
    public FashionClassifier Classifier { get; }

    /// <param name="modelPath">The model to serve; null: the test run's Fashion-MNIST model (or MLNETFASHION_LOAD_MODEL).</param>
    public static async Task<RealServer> StartAsync(string? modelPath = null)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        string url = $"http://127.0.0.1:{port}";
        // As `serve` does: one ONNX Runtime thread per request. MLNETFASHION_LOAD_MODEL scores another model (benchmarks).
        string model = modelPath ?? Environment.GetEnvironmentVariable("MLNETFASHION_LOAD_MODEL") ?? TrainedModel.Onnx;
        var classifier = FashionClassifier.Load(model, new ClassifierOptions { IntraOpThreads = 1 });
        var app = ScoringApi.Build(classifier, url);
        await app.StartAsync();
        return new RealServer(app, url, classifier);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        Classifier.Dispose();
    }
}
