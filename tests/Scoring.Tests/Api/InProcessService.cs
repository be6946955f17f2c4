using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using MlNetFashion.Scoring.Api;
using MlNetFashion.Scoring.Classification;

namespace MlNetFashion.Scoring.Tests.Api;

/// <summary>The HTTP service in process (ASP.NET Core's TestServer) over the trained test model, one per test.</summary>
public abstract class InProcessService : IAsyncLifetime
{
    protected FashionClassifier Classifier { get; private set; } = null!;
    protected WebApplication App { get; private set; } = null!;
    protected HttpClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Classifier = FashionClassifier.Load(TrainedModel.Onnx);
        App = ScoringApi.Build(Classifier, configure: b => b.WebHost.UseTestServer());
        await App.StartAsync();
        Client = App.GetTestClient();
    }

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        Classifier.Dispose();
    }
}
