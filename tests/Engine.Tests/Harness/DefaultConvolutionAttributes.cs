using MlNetFashion.Engine.Kernels;

namespace MlNetFashion.Engine.Tests.Harness;

/// <summary>Why a test of the kernels a model is built with cannot run: MLNETFASHION_CONV (set, other than auto) overrides the
/// choice for the whole process. Null when the choice is the code's.</summary>
internal static class DefaultConvolution
{
    public static string? OverriddenBecause()
    {
        string? value = Environment.GetEnvironmentVariable(ConvolutionAlgorithm.EnvironmentVariable);
        return string.IsNullOrWhiteSpace(value) || value.Trim().Equals("auto", StringComparison.OrdinalIgnoreCase)
            ? null
            : $"{ConvolutionAlgorithm.EnvironmentVariable}={value} overrides the convolution kernels this test checks.";
    }
}

/// <summary>A fact about the kernels a model is built with, skipped (with the reason shown) when MLNETFASHION_CONV
/// overrides them.</summary>
internal sealed class DefaultConvolutionFactAttribute : FactAttribute
{
    public DefaultConvolutionFactAttribute() => Skip = DefaultConvolution.OverriddenBecause();
}

/// <summary>A theory about the kernels a model is built with, skipped (with the reason shown) when MLNETFASHION_CONV
/// overrides them.</summary>
internal sealed class DefaultConvolutionTheoryAttribute : TheoryAttribute
{
    public DefaultConvolutionTheoryAttribute() => Skip = DefaultConvolution.OverriddenBecause();
}
