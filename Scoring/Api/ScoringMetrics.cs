using System.Globalization;
using MlNetFashion.Scoring.Classification;
using MlNetFashion.Scoring.Hosting;
using Prometheus;

namespace MlNetFashion.Scoring.Api;

/// <summary>
/// The service's Prometheus metrics, in a registry of its own (so two services in one process do not mix): prometheus-net's
/// HTTP metrics (requests by status, latency histogram, requests in progress), process and .NET statistics, and ours —
/// preprocessing and model time, predictions by label, the model served (name, version, preset, accuracy as labels) and
/// model swaps.
/// </summary>
public sealed class ScoringMetrics
{
    private static readonly double[] SecondsBuckets = Histogram.ExponentialBuckets(0.00005, 2, 16);   // 50 µs … 1.6 s
    private readonly Histogram _preprocess, _inference;
    private readonly Counter _predictions, _swaps;
    private readonly Gauge _model;
    private readonly Lock _modelLock = new();
    private string[]? _modelLabels;

    public ScoringMetrics()
    {
        Registry = Metrics.NewCustomRegistry();
        DotNetStats.Register(Registry);
        Factory = Metrics.WithCustomRegistry(Registry);
        _preprocess = Factory.CreateHistogram("mlnetfashion_preprocess_seconds", "Decoding and preprocessing an image to 28x28.",
            new HistogramConfiguration { Buckets = SecondsBuckets });
        _inference = Factory.CreateHistogram("mlnetfashion_inference_seconds", "Scoring the 28x28 image with the model.",
            new HistogramConfiguration { Buckets = SecondsBuckets });
        _predictions = Factory.CreateCounter("mlnetfashion_predictions_total", "Predictions answered, by predicted label.", ["label"]);
        _swaps = Factory.CreateCounter("mlnetfashion_model_swaps_total", "Replaced model files: swapped in, or refused.", ["result"]);
        _model = Factory.CreateGauge("mlnetfashion_model_info", "The model being served (1), described by its labels.",
            ["name", "version", "preset", "accuracy"]);
    }

    public CollectorRegistry Registry { get; }
    public IMetricFactory Factory { get; }

    public void Observe(TimeSpan preprocess, TimeSpan inference, string label)
    {
        _preprocess.Observe(preprocess.TotalSeconds);
        _inference.Observe(inference.TotalSeconds);
        _predictions.WithLabels(label).Inc();
    }

    /// <summary>Reports the pool's model now and after every swap, and counts swaps and refusals.</summary>
    public void Track(FashionClassifierPool pool)
    {
        ShowModel(pool.Info);
        pool.ModelSwapped += info =>
        {
            ShowModel(info);
            _swaps.WithLabels("swapped").Inc();
        };
        pool.ModelRefused += (_, _) => _swaps.WithLabels("refused").Inc();
    }

    private void ShowModel(ModelInfo info)
    {
        string accuracy = info.TestAccuracy?.ToString("F4", CultureInfo.InvariantCulture) ?? "";
        string[] labels = [info.Name, info.Version, info.Preset ?? "", accuracy];
        lock (_modelLock)
        {
            if (_modelLabels is not null) _model.RemoveLabelled(_modelLabels);
            _model.WithLabels(labels).Set(1);
            _modelLabels = labels;
        }
    }
}
