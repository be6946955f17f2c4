using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using MlNetFashion.Scoring.Classification;
using MlNetFashion.Scoring.Hosting;
using MlNetFashion.Tests.Shared;

namespace MlNetFashion.Scoring.Tests.Hosting;

/// <summary>The hot-swapping pool behind AddFashionClassifier: a replaced model file is swapped in, a bad one refused.</summary>
public sealed class FashionClassifierPoolTests : TempFolderTests
{
    private readonly string _model;

    public FashionClassifierPoolTests() : base("classifier-pool-")
    {
        _model = Path.Combine(Folder, "model.onnx");
        File.Copy(TrainedModel.Onnx, _model);
    }

    [Fact]
    public void Watch_ModelFileReplacedByRename_NewModelSwappedIn()
    {
        using var pool = new FashionClassifierPool(new FashionClassifierPoolOptions { ModelPath = _model, WatchForChanges = true });
        string before = pool.Info.Version;
        ReplaceAtomically(File.ReadAllBytes(ReorderedModel.Onnx));

        string expected = ModelInfo.VersionOf(File.ReadAllBytes(ReorderedModel.Onnx));
        Assert.True(WaitFor(() => pool.Info.Version == expected), $"still {pool.Info.Version} (was {before}), expected {expected}");
        using var reordered = FashionClassifier.Load(ReorderedModel.Onnx);
        var image = TrainedModel.Test.Image(3);
        Assert.Equal(reordered.PredictPixels(image).Probabilities, pool.PredictPixels(image).Probabilities);
    }

    [Fact]
    public void Watch_ModelFileReplacedByGarbage_RefusedOnceAndTheOldModelKeepsServing()
    {
        using var pool = new FashionClassifierPool(new FashionClassifierPoolOptions { ModelPath = _model, WatchForChanges = true });
        string before = pool.Info.Version;
        int refusals = 0;
        pool.ModelRefused += (_, _) => Interlocked.Increment(ref refusals);
        ReplaceAtomically(File.ReadAllBytes(TrainedModel.Onnx)[..4000]);

        Assert.True(WaitFor(() => Volatile.Read(ref refusals) > 0), "the truncated model was not refused");
        Assert.False(pool.Reload());   // the same bytes again: not loaded twice
        Assert.Equal(1, refusals);
        Assert.Equal(before, pool.Info.Version);
        using var original = FashionClassifier.Load(TrainedModel.Onnx);
        Assert.Equal(original.PredictPixels(TrainedModel.Test.Image(0)).Label, pool.PredictPixels(TrainedModel.Test.Image(0)).Label);
    }

    [Fact]
    public void Acquire_LeaseHeldAcrossASwap_OldClassifierServesUntilTheLeaseIsDisposed()
    {
        using var pool = new FashionClassifierPool(new FashionClassifierPoolOptions { ModelPath = _model });
        var lease = pool.Acquire();
        File.Copy(ReorderedModel.Onnx, _model, overwrite: true);

        Assert.True(pool.Reload());
        Assert.NotEqual(lease.Classifier.Info.Version, pool.Info.Version);
        lease.Classifier.PredictPixels(TrainedModel.Test.Image(0));   // swapped out, not disposed: its lease is held
        FashionClassifier old = lease.Classifier;
        lease.Dispose();
        Assert.Throws<ObjectDisposedException>(() => old.PredictPixels(TrainedModel.Test.Image(0)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void New_PollIntervalNotPositive_RefusedBeforeTheModelLoads(int seconds)
    {
        // The model path does not exist: a FileNotFoundException would mean the model was read first.
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new FashionClassifierPool(new FashionClassifierPoolOptions
        {
            ModelPath = Path.Combine(Folder, "absent.onnx"), WatchForChanges = true, PollInterval = TimeSpan.FromSeconds(seconds),
        }));

        Assert.StartsWith("PollInterval: expected a positive time or null", error.Message);
    }

    [Fact]
    public void AddFashionClassifier_ServiceProvider_ResolvesOneLoadedPoolAndDisposesIt()
    {
        FashionClassifierPool pool;
        FashionClassifier classifier;
        using (var provider = new ServiceCollection().AddFashionClassifier(_model).BuildServiceProvider())
        {
            pool = provider.GetRequiredService<FashionClassifierPool>();
            Assert.Same(pool, provider.GetRequiredService<FashionClassifierPool>());
            Assert.Equal(ModelInfo.VersionOf(File.ReadAllBytes(_model)), pool.Info.Version);
            using (var lease = pool.Acquire()) classifier = lease.Classifier;
        }
        Assert.Throws<ObjectDisposedException>(() => pool.Acquire());
        Assert.Throws<ObjectDisposedException>(() => classifier.PredictPixels(TrainedModel.Test.Image(0)));
    }

    private void ReplaceAtomically(byte[] bytes)
    {
        string temp = Path.Combine(Folder, $".model.onnx.{Guid.NewGuid():N}.tmp");
        File.WriteAllBytes(temp, bytes);
        File.Move(temp, _model, overwrite: true);
    }

    private static bool WaitFor(Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(20)) return false;
            Thread.Sleep(50);
        }
        return true;
    }
}
