using MlNetFashion.Engine.Augmentation;
using MlNetFashion.Engine.Models;
using MlNetFashion.Engine.Training;

namespace MlNetFashion.Engine.Calibration;

/// <summary>
/// What a trained model learns after training: the temperature of its probabilities and the in-distribution rule from its
/// held-out images, and the <see cref="Features"/> distance from its training images. Without held-out images T = 1 and
/// the rule comes from training images the distance was not fitted on (<see cref="Note"/> says so).
/// </summary>
public sealed record ModelCalibration(double Temperature, InDistributionRule? InDistribution, int HeldOutImages, string? Note)
{
    /// <summary>
    /// The score the rule uses when the model has feature taps: the feature distance plus the energy, each standardized
    /// on the images the threshold is chosen on (<see cref="EnergyCombination"/>), chosen by the confidence benchmark
    /// (benchmarks/, docs/results.md); energy otherwise.
    /// </summary>
    public const InDistributionScoreKind DefaultScore = InDistributionScoreKind.FeatureDistanceAndEnergy;

    /// <summary>The score for a model without feature taps.</summary>
    public const InDistributionScoreKind DefaultLogitScore = InDistributionScoreKind.Energy;

    /// <summary>How many training images the feature Gaussians are fitted on at most (the first ones): 10,000 fit 128-wide
    /// covariances well and take seconds.</summary>
    public const int FeatureImages = 10_000;

    /// <summary>The fitted score the graph computes (<see cref="DefaultScore"/>); null when the rule uses a logit score.</summary>
    public FeatureDistance? Features { get; init; }

    /// <summary>
    /// The fewest held-out images calibration is fitted on: the score's standardization needs a spread. A split of one
    /// image (a small data set's fraction) is calibrated as if there were none.
    /// </summary>
    public const int MinHeldOutImages = 2;

    public static ModelCalibration None(string note) => new(1, null, 0, note);

    /// <summary>
    /// Fits T on <paramref name="heldOut"/> (<see cref="TemperatureScaling.Fit"/>) from the logits the exported graph
    /// gives (the mean over <paramref name="views"/> when it averages them). With <paramref name="train"/> (the images the
    /// model was trained on) the score is <see cref="DefaultScore"/>: the <see cref="FeatureDistance"/> fitted on up to
    /// <see cref="FeatureImages"/> of them, then its standardization with the energy and the threshold accepting
    /// <see cref="InDistributionScore.DefaultTrueAcceptRate"/> of the held-out images, both on the image alone (with
    /// views too: the score is the plain view's). Without held-out images T = 1, and the standardization and threshold
    /// are fitted on the next <see cref="FeatureImages"/> training images (trained on, but not fitted on; their logits
    /// are more confident than new images', docs/results.md gives the share of test images the threshold accepts); so too
    /// with fewer than <see cref="MinHeldOutImages"/> held-out images.
    /// </summary>
    public static ModelCalibration Fit(Sequential model, LabeledImages? heldOut, TestTimeViews? views = null,
        LabeledImages? train = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        bool hasHeldOut = heldOut is not null && heldOut.Count >= MinHeldOutImages;
        string without = heldOut is { Count: > 0 }
            ? $"{heldOut.Count} held-out image, too few to calibrate on"
            : "no validation split";
        int fitCount = train is null ? 0 : Math.Min(hasHeldOut ? train.Count : train.Count / 2, FeatureImages);
        FeatureDistance? features = train is not null && fitCount > 1
            ? FeatureDistance.Fit(model, train.Pixels, train.Labels, fitCount)
            : null;
        if (!hasHeldOut)
        {
            if (features is null) return None($"{without}: temperature 1 and no in-distribution threshold");
            int size = model.InputShape.Size, count = Math.Min(train!.Count - fitCount, FeatureImages);
            (features, double trainThreshold) = WithEnergy(model, features, train.Pixels.AsSpan(fitCount * size, count * size), count);
            return new ModelCalibration(1, new InDistributionRule(features.Kind, trainThreshold), 0,
                $"{without}: temperature 1; the in-distribution score standardized and its threshold chosen on {count:N0} " +
                "training images")
            {
                Features = features,
            };
        }
        int classes = model.OutputShape.Size;
        var logits = new float[heldOut!.Count * classes];
        // Without views the feature distance's forward pass gives the logits too.
        double[]? distances = null;
        if (views is not null) views.PredictLogits(model, heldOut.Pixels, heldOut.Count, logits);
        else if (features is not null) distances = features.DistanceScore(model, heldOut.Pixels, heldOut.Count, logits);
        else model.PredictLogits(heldOut.Pixels, heldOut.Count, logits);
        double temperature = TemperatureScaling.Fit(logits, heldOut.Labels, classes);
        InDistributionRule rule;
        if (features is null)
            rule = new(DefaultLogitScore, InDistributionScore.Threshold(InDistributionScore.Of(DefaultLogitScore, logits, classes)));
        else
        {
            // The energy is the image alone's: without views these are its logits.
            (features, double threshold) = distances is not null
                ? WithEnergy(features, distances, FeatureDistance.Energies(logits, classes))
                : WithEnergy(model, features, heldOut.Pixels, heldOut.Count);
            rule = new(features.Kind, threshold);
        }
        return new ModelCalibration(temperature, rule, heldOut.Count, null) { Features = features };
    }

    /// <summary>The feature distance with its <see cref="EnergyCombination"/> fitted on <paramref name="count"/> images, and the
    /// threshold accepting <see cref="InDistributionScore.DefaultTrueAcceptRate"/> of them (one forward pass for both scores).
    /// </summary>
    private static (FeatureDistance Features, double Threshold) WithEnergy(Sequential model, FeatureDistance features,
        ReadOnlySpan<float> images, int count)
    {
        var logits = new float[count * model.OutputShape.Size];
        double[] distances = features.DistanceScore(model, images, count, logits);
        return WithEnergy(features, distances, FeatureDistance.Energies(logits, model.OutputShape.Size));
    }

    private static (FeatureDistance Features, double Threshold) WithEnergy(FeatureDistance features, double[] distances,
        double[] energies)
    {
        EnergyCombination combination = EnergyCombination.Fit(distances, energies);
        double[] scores = [.. distances.Select((d, n) => combination.Combine(d, energies[n]))];
        return (features.WithEnergy(combination), InDistributionScore.Threshold(scores));
    }
}
