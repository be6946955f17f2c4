using MlNetFashion.Engine.Augmentation;
using MlNetFashion.Engine.Models;
using MlNetFashion.Engine.Training;

namespace MlNetFashion.Engine.Calibration;

/// <summary>
/// What a trained model learns from its held-out images after training: the temperature of its probabilities and the
/// in-distribution rule. Without held-out images T = 1 and there is no rule (<see cref="Note"/> says so).
/// </summary>
public sealed record ModelCalibration(double Temperature, InDistributionRule? InDistribution, int HeldOutImages, string? Note)
{
    /// <summary>The score the rule uses: energy, chosen by the confidence benchmark (benchmarks/, docs/results.md).</summary>
    public const InDistributionScoreKind DefaultScore = InDistributionScoreKind.Energy;

    public static ModelCalibration None(string note) => new(1, null, 0, note);

    /// <summary>
    /// Fits T on <paramref name="heldOut"/> (<see cref="TemperatureScaling.Fit"/>) and the threshold accepting
    /// <see cref="InDistributionScore.DefaultTrueAcceptRate"/> of them, from the logits the exported graph gives
    /// (the mean over <paramref name="views"/> when it averages them).
    /// </summary>
    public static ModelCalibration Fit(Sequential model, LabeledImages? heldOut, TestTimeViews? views = null,
        InDistributionScoreKind score = DefaultScore)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (heldOut is null || heldOut.Count == 0) return None("no validation split: temperature 1 and no in-distribution threshold");
        int classes = model.OutputShape.Size;
        var logits = new float[heldOut.Count * classes];
        if (views is null) model.PredictLogits(heldOut.Pixels, heldOut.Count, logits);
        else views.PredictLogits(model, heldOut.Pixels, heldOut.Count, logits);
        double temperature = TemperatureScaling.Fit(logits, heldOut.Labels, classes);
        var rule = new InDistributionRule(score, InDistributionScore.Threshold(InDistributionScore.Of(score, logits, classes)));
        return new ModelCalibration(temperature, rule, heldOut.Count, null);
    }
}
