using System.Runtime.Intrinsics;
using MlNetFashion.Engine.Layers;

namespace MlNetFashion.Engine.Kernels;

/// <summary>
/// Which kernel computes a convolution: Winograd F(4×4, 3×3) where it applies (3×3, stride 1, pad 1, ≥ 8 input
/// channels — every conv of the fast, best and seed001 nets but the first) and 256-bit SIMD runs in hardware, F(2×2, 3×3)
/// there without it (F(4×4)'s transforms are Vector256 loops), the direct <see cref="SingleChannelKernel"/> for a
/// one-channel input at stride 1 (every preset's first layer), im2col + GEMM elsewhere. The MLNETFASHION_CONV
/// environment variable (auto | im2col | winograd | winograd2x2 | winograd4x4) or <see cref="Selected"/> overrides the
/// rule, for benchmarks and tests: winograd = F(2×2) wherever the window allows, winograd2x2 / winograd4x4 = the auto
/// rule with that tile size. On the Zen 3 pair F(4×4) trains the best net 1.19× and the fast net 1.2× as fast as F(2×2)
/// (README, "Winograd F(4×4)").
/// </summary>
public static class ConvolutionAlgorithm
{
    public const string EnvironmentVariable = "MLNETFASHION_CONV";

    public enum Choice { Auto, Im2Col, Winograd, Winograd2x2, Winograd4x4 }

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
        Choice.Winograd2x2 => $"Winograd F(2×2, 3×3) for 3×3 stride-1 pad-1 layers with ≥ {MinimumWinogradChannels} input channels ({EnvironmentVariable}=winograd2x2); {Others}",
        Choice.Winograd4x4 => $"Winograd F(4×4, 3×3) for 3×3 stride-1 pad-1 layers with ≥ {MinimumWinogradChannels} input channels ({EnvironmentVariable}=winograd4x4); {Others}",
        _ => $"Winograd F({(Vector256.IsHardwareAccelerated ? "4×4" : "2×2")}, 3×3) for 3×3 stride-1 pad-1 layers with ≥ {MinimumWinogradChannels} input channels; {Others}",
    };

    private static string Others => Vector256.IsHardwareAccelerated
        ? "direct for 1-channel stride-1 layers, im2col + GEMM elsewhere"
        : "im2col + GEMM elsewhere";

    internal static Choice Parse(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" or "auto" => Choice.Auto,
        "im2col" => Choice.Im2Col,
        "winograd" => Choice.Winograd,
        "winograd2x2" => Choice.Winograd2x2,
        "winograd4x4" => Choice.Winograd4x4,
        _ => throw new InvalidOperationException($"{EnvironmentVariable}: expected auto, im2col, winograd, winograd2x2 or winograd4x4, received '{value}'."),
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
        bool tiles4 = choice == Choice.Winograd4x4 || (choice == Choice.Auto && Vector256.IsHardwareAccelerated);
        if (winograd && tiles4) return new Winograd4x4Kernel(channels, filters, rows, cols, threads);
        if (winograd) return new WinogradKernel(channels, filters, rows, cols, threads);
        return choice != Choice.Im2Col && Vector256.IsHardwareAccelerated && SingleChannelKernel.Supports(channels, rows, cols)
            ? new SingleChannelKernel(filters, rows, cols, threads)
            : new ConvolutionKernel(channels, filters, rows, cols, threads);
    }
}
