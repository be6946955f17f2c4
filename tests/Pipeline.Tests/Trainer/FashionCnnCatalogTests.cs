using Microsoft.ML;
using MlNetFashion.Engine.Models;
using MlNetFashion.Pipeline.Data;
using MlNetFashion.Pipeline.Trainer;
using MlNetFashion.Pipeline.Transforms;

namespace MlNetFashion.Pipeline.Tests.Trainer;

public class FashionCnnCatalogTests
{
    [Fact]
    public void EnvironmentOf_AContextsCatalog_FindsItsHostEnvironment()
    {
        var ml = new MLContext(seed: 1);

        Assert.NotNull(FashionCnnCatalog.EnvironmentOf(ml.MulticlassClassification.Trainers));
    }

    [Fact]
    public void Fit_WithoutMetricsCallback_LogsEachEpochToTheContextsLog()
    {
        var ml = new MLContext(seed: 1);
        var messages = new List<string>();
        ml.Log += (_, e) =>
        {
            lock (messages) messages.Add(e.Message);
        };
        var trainer = ml.MulticlassClassification.Trainers.FashionCnn(new FashionCnnTrainer.Options
        {
            Preset = PresetKind.TwoConv, Epoch = 2, BatchSize = 50, Seed = 3, ValidationSetFraction = 0,
        });

        ml.Transforms.ScalePixels().Append(trainer).Fit(new FashionMnistDataView(RealData.Data.Train.Take(200)));

        lock (messages)
        {
            Assert.Single(messages, m => m.Contains("epoch 1/2: loss", StringComparison.Ordinal));
            Assert.Single(messages, m => m.Contains("epoch 2/2: loss", StringComparison.Ordinal));
        }
    }
}
