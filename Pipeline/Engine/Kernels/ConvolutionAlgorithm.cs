using System.Runtime.Intrinsics;
using MlNetFashion.Engine.Layers;

namespace MlNetFashion.Engine.Kernels;

/// <summary>
/// Which kernel computes a convolution: Winograd F(2×2, 3×3) where it applies (3×3, stride 1, pad 1 — every conv of
/// the fast, best and seed001 nets but the first), the direct <see cref="SingleChannelKernel"/> for a one-channel input
/// at stride 1 (every preset's first layer), im2col + GEMM elsewhere. The MLNETFASHION_CONV environment
/// variable (auto | im2col | winograd | winograd4x4) or <see cref="Selected"/> overrides the rule, for benchmarks and tests.
/// winograd4x4 is the auto rule with F(4×4, 3×3) (<see cref="Winograd4x4Kernel"/>) in place of F(2×2), opt-in: on the
/// Zen 3 pair `bench` trains and scores 1.19× faster with it, but in the train loop the gain was ~1.07×, and a default
/// `./build.sh train` with it landed under the fast preset's goals (93.89 % in 9 min 38 s; README, "Winograd F(4×4)").
/// </summary>
public static class ConvolutionAlgorithm
{
    public const string EnvironmentVariable = "MLNETFASHION_CONV";

    public enum Choice { Auto, Im2Col, Winograd, Winograd4x4 }

    /// <summary>
    /// Below this many input channels the GEMMs are too shallow (K = C) for Winograd's saving to beat its tile
    /// transforms; the 1-channel first layer stays on im2col (K = 9).
    /// </summary>
    public const int MinimumWinogradChannels = 8;

    private static Choice? _selected;

    public static Choice Selected
    {
        get => _selected ??= Parse(Environment.GetEnvironmentVariable(EnvironmentVariable));
        set => _selected = value;
    }

    /// <summary>One line for logs and `bench`.</summary>
    public static string Description => Selected switch
    {
        Choice.Im2Col => $"im2col + GEMM everywhere ({EnvironmentVariable}=im2col)",
        Choice.Winograd => $"Winograd F(2×2, 3×3) wherever a layer is 3×3, stride 1, pad 1 ({EnvironmentVariable}=winograd); {Others}",
        Choice.Winograd4x4 => $"Winograd F(4×4, 3×3) for 3×3 stride-1 pad-1 layers with ≥ {MinimumWinogradChannels} input channels ({EnvironmentVariable}=winograd4x4); {Others}",
        _ => $"Winograd F(2×2, 3×3) for 3×3 stride-1 pad-1 layers with ≥ {MinimumWinogradChannels} input channels; {Others}",
    };

    private static string Others => Vector256.IsHardwareAccelerated
        ? "direct for 1-channel stride-1 layers, im2col + GEMM elsewhere"
        : "im2col + GEMM elsewhere";

    internal static Choice Parse(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" or "auto" => Choice.Auto,
        "im2col" => Choice.Im2Col,
        "winograd" => Choice.Winograd,
        "winograd4x4" => Choice.Winograd4x4,
        _ => throw new InvalidOperationException($"{EnvironmentVariable}: expected auto, im2col, winograd or winograd4x4, received '{value}'."),
    };

    public static IConvolutionKernel Create(int channels, int filters, Window rows, Window cols, int threads)
        => Create(channels, filters, rows, cols, threads, Selected);

    internal static IConvolutionKernel Create(int channels, int filters, Window rows, Window cols, int threads, Choice choice)
    {
        bool winograd = WinogradKernel.Supports(rows, cols) && choice switch
        {
            Choice.Winograd => true,
            Choice.Im2Col => false,
            _ => channels >= MinimumWinogradChannels,
        };
        if (winograd && choice == Choice.Winograd4x4) return new Winograd4x4Kernel(channels, filters, rows, cols, threads);
        if (winograd) return new WinogradKernel(channels, filters, rows, cols, threads);
        return choice != Choice.Im2Col && Vector256.IsHardwareAccelerated && SingleChannelKernel.Supports(channels, rows, cols)
            ? new SingleChannelKernel(filters, rows, cols, threads)
            : new ConvolutionKernel(channels, filters, rows, cols, threads);
    }
}
