using MlNetFashion.Engine.Augmentation;
using MlNetFashion.Engine.Models;
using MlNetFashion.Engine.Training;

namespace MlNetFashion.Engine.Tests.Training;

public sealed class EngineTrainerOptionsTests
{
    private static readonly EngineTrainerOptions Valid = new();

    /// <summary>Each out of range in one field; NaN fails every comparison, so a check written as "x &lt; 0" let it through.</summary>
    public static TheoryData<string, EngineTrainerOptions, string> OutOfRange => new()
    {
        { "ValidationFraction", Valid with { ValidationFraction = float.NaN }, "validation fraction" },
        { "ValidationFraction", Valid with { ValidationFraction = 1 }, "validation fraction" },
        { "LabelSmoothing", Valid with { LabelSmoothing = float.NaN }, "label smoothing" },
        { "LabelSmoothing", Valid with { LabelSmoothing = -0.1f }, "label smoothing" },
        { "WarmupFraction", Valid with { WarmupFraction = float.NaN }, "warm-up fraction" },
        { "WarmupFraction", Valid with { WarmupFraction = 1 }, "warm-up fraction" },
        { "ReduceOnPlateauFactor", Valid with { ReduceOnPlateauFactor = 0 }, "plateau factor" },
        { "ReduceOnPlateauFactor", Valid with { ReduceOnPlateauFactor = float.NaN }, "plateau factor" },
        { "Augmentation", Valid with { Augmentation = new(CropPadding: -1) }, "crop padding" },
        { "Augmentation", Valid with { Augmentation = new(ErasingProbability: float.NaN) }, "erasing probability" },
        { "Augmentation", Valid with { Augmentation = new(ErasingProbability: 1.5f) }, "erasing probability" },
        { "Augmentation", Valid with { Augmentation = new(CutMixProbability: -0.5f) }, "CutMix probability" },
    };

    [Theory]
    [MemberData(nameof(OutOfRange))]
    public void Validate_FieldOutOfRange_ThrowsNamingIt(string field, EngineTrainerOptions options, string says)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(options.Validate);

        Assert.Equal(field, error.ParamName);
        Assert.StartsWith($"{says}: expected ", error.Message);
    }

    [Fact]
    public void Validate_EdgesOfTheRanges_Accepted()
    {
        var edges = Valid with
        {
            ValidationFraction = 0,
            LabelSmoothing = 0,
            WarmupFraction = 0,
            ReduceOnPlateauFactor = 1,
            Augmentation = new AugmentationOptions(CropPadding: 0, ErasingProbability: 1, CutMixProbability: 1),
        };

        edges.Validate();
    }

    [Fact]
    public void Validate_EveryPresetsDefaults_Accepted()
    {
        foreach (Preset preset in Presets.All) preset.Defaults.Validate();
    }
}
