using MlNetFashion.Engine.Augmentation;
using MlNetFashion.Engine.Models;
using MlNetFashion.Engine.Training;

namespace MlNetFashion.Engine.Calibration;

/// <summary>
/// What a trained model learns after training: the temperature of its probabilities and the in-distribution rule from its
/// held-out images, and the <see cref="Features"/> distance from its training images. Without held-out images T = 1 and
/// there is no rule (<see cref="Note"/> says so).
/// </summary>
public sealed record ModelCalibration(double Temperature, InDistributionRule? InDistribution, int HeldOutImages, string? Note)
{
    /// <summary>
    /// The score the rule uses when the model has feature taps and no test-time views: the feature distance, chosen by
    /// the confidence benchmark (benchmarks/, docs/results.md); energy otherwise.
    /// </summary>
    public const InDistributionScoreKind DefaultScore = InDistributionScoreKind.FeatureDistance;

    /// <summary>The score for a model without feature taps or with test-time views.</summary>
    public const InDistributionScoreKind DefaultLogitScore = InDistributionScoreKind.Energy;

    /// <summary>How many training images the feature Gaussians are fitted on at most (the first ones): 10,000 fit 128-wide
    /// covariances well and take seconds.</summary>
    public const int FeatureImages = 10_000;

    /// <summary>The fitted feature distance the graph computes; null when the rule uses a logit score.</summary>
    public FeatureDistance? Features { get; init; }

    public static ModelCalibration None(string note) => new(1, null, 0, note);

    /// <summary>
    /// Fits T on <paramref name="heldOut"/> (<see cref="TemperatureScaling.Fit"/>) and the threshold accepting
    /// <see cref="InDistributionScore.DefaultTrueAcceptRate"/> of them, from the logits the exported graph gives
    /// (the mean over <paramref name="views"/> when it averages them). With <paramref name="train"/> (the images the
    /// model was trained on) and no views, the score is the <see cref="FeatureDistance"/> fitted on up to
    /// <see cref="FeatureImages"/> of them: images the threshold is not chosen on, so it is not biased toward them.
    /// Without held-out images T = 1, and the feature distance's threshold is chosen on the next
    /// <see cref="FeatureImages"/> training images (trained on, but not fitted on: on the default net that moves the
    /// share of test images accepted from 95 % to 94.9 %, docs/results.md); logits on trained-on images would be
    /// over-confident, so no logit score gets a threshold that way.
    /// </summary>
    public static ModelCalibration Fit(Sequential model, LabeledImages? heldOut, TestTimeViews? views = null,
        LabeledImages? train = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        bool hasHeldOut = heldOut is { Count: > 0 };
        int fitCount = train is null ? 0 : Math.Min(hasHeldOut ? train.Count : train.Count / 2, FeatureImages);
        FeatureDistance? features = views is null && train is not null && fitCount > 1
            ? FeatureDistance.Fit(model, train.Pixels, train.Labels, fitCount)
            : null;
        if (!hasHeldOut)
        {
            if (features is null) return None("no validation split: temperature 1 and no in-distribution threshold");
            int size = model.InputShape.Size, count = Math.Min(train!.Count - fitCount, FeatureImages);
            double[] scores = features.Score(model, train.Pixels.AsSpan(fitCount * size, count * size), count);
            var trainRule = new InDistributionRule(InDistributionScoreKind.FeatureDistance, InDistributionScore.Threshold(scores));
            return new ModelCalibration(1, trainRule, 0,
                $"no validation split: temperature 1; the in-distribution threshold chosen on {count:N0} training images")
            {
                Features = features,
            };
        }
        int classes = model.OutputShape.Size;
        var logits = new float[heldOut!.Count * classes];
        if (views is null) model.PredictLogits(heldOut.Pixels, heldOut.Count, logits);
        else views.PredictLogits(model, heldOut.Pixels, heldOut.Count, logits);
        double temperature = TemperatureScaling.Fit(logits, heldOut.Labels, classes);
        InDistributionRule rule = features is null
            ? new(DefaultLogitScore, InDistributionScore.Threshold(InDistributionScore.Of(DefaultLogitScore, logits, classes)))
            : new(InDistributionScoreKind.FeatureDistance,
                InDistributionScore.Threshold(features.Score(model, heldOut.Pixels, heldOut.Count)));
        return new ModelCalibration(temperature, rule, heldOut.Count, null) { Features = features };
    }
}
