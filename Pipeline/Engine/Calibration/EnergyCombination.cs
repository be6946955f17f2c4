namespace MlNetFashion.Engine.Calibration;

/// <summary>
/// The feature distance's score s and the energy E = log Σ_k exp(z_k) of the logits, each standardized on held-out
/// images and summed: (s − a_s) / b_s + (E − a_E) / b_E, a and b their held-out mean and standard deviation. The two fail
/// on different images (energy on noise, shapes and text; the feature distance on handwritten digits, docs/results.md),
/// and the sum keeps what each separates.
/// </summary>
public sealed record EnergyCombination(double FeatureOffset, double FeatureScale, double EnergyOffset, double EnergyScale)
{
    /// <summary>The combined score of an image with feature score <paramref name="feature"/> and energy
    /// <paramref name="energy"/>.</summary>
    public double Combine(double feature, double energy) =>
        (feature - FeatureOffset) / FeatureScale + (energy - EnergyOffset) / EnergyScale;

    /// <summary>The means and standard deviations of held-out images' feature scores and energies (one of each per image).</summary>
    public static EnergyCombination Fit(IReadOnlyList<double> features, IReadOnlyList<double> energies)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(energies);
        if (features.Count < 2 || energies.Count != features.Count)
            throw new ArgumentException($"Energy combination: expected the same number (at least 2) of feature scores and energies. " +
                $"Received {features.Count} and {energies.Count}.");
        (double fm, double fs) = MeanAndStd(features);
        (double em, double es) = MeanAndStd(energies);
        return new EnergyCombination(fm, fs, em, es);
    }

    /// <summary>Mean and population standard deviation; a constant gets scale 1, so it only shifts the sum.</summary>
    private static (double Mean, double Std) MeanAndStd(IReadOnlyList<double> values)
    {
        double mean = values.Average();
        double std = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / values.Count);
        return (mean, std > 0 ? std : 1);
    }
}
