using System.Runtime.Intrinsics;
using MlNetFashion.Engine.Layers;

namespace MlNetFashion.Engine.Kernels;

/// <summary>
/// Which kernel computes a convolution: Winograd F(2×2, 3×3) where it applies (3×3, stride 1, pad 1 — every conv of
/// the fast, best and mcnn-paper nets but the first), the direct <see cref="SingleChannelKernel"/> for a one-channel input
/// at stride 1 (every preset's first layer), im2col + GEMM elsewhere. The MLNETFASHION_CONV environment
/// variable (auto | im2col | winograd | winograd4x4) overrides the rule, for benchmarks and A/B runs;
/// a recipe may name its own choice (a model spec's "convolution", <see cref="Use"/>), which the variable still overrides.
/// winograd4x4 is the auto rule with F(4×4, 3×3) (<see cref="Winograd4x4Kernel"/>) in place of F(2×2), opt-in: it makes
/// the fast step ~10 % faster, but fast trained on it scores 0.06–0.08 pt lower on the test set at every seed tried,
/// and the default's limit is its accuracy (docs/engine.md, "Winograd F(4×4), opt-in").
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

    private static Choice? s_override;
    private static bool s_overrideRead;

    /// <summary>MLNETFASHION_CONV when set: it wins over the rule and over any recipe's choice (read once per process).</summary>
    private static Choice? Override
    {
        get
        {
            if (!s_overrideRead)
            {
                string? value = Environment.GetEnvironmentVariable(EnvironmentVariable);
                s_override = string.IsNullOrWhiteSpace(value) ? null : Parse(value);
                s_overrideRead = true;
            }
            return s_override;
        }
    }

    /// <summary>
    /// The choice for a recipe that may name one (<c>EngineTrainerOptions.Convolution</c>): the environment variable,
    /// when set, still wins, so A/B runs of any preset stay a matter of MLNETFASHION_CONV=auto|winograd4x4.
    /// </summary>
    public static Choice Resolve(Choice? recipe) => Override ?? recipe ?? Choice.Auto;

    [ThreadStatic] private static Choice? s_recipe;

    /// <summary>
    /// Layers built on this thread until the scope ends take <paramref name="recipe"/>'s choice (a model's kernels are
    /// picked when it is built; the trainer builds under its recipe).
    /// </summary>
    public static IDisposable Use(Choice? recipe)
    {
        Choice? previous = s_recipe;
        s_recipe = recipe;
        return new Scope(() => s_recipe = previous);
    }

    private sealed class Scope(Action end) : IDisposable
    {
        public void Dispose() => end();
    }

    /// <summary>One line for logs and `bench` about <paramref name="choice"/>.</summary>
    public static string Describe(Choice choice) => choice switch
    {
        Choice.Im2Col => "im2col + GEMM everywhere (im2col)",
        Choice.Winograd => $"Winograd F(2×2, 3×3) wherever a layer is 3×3, stride 1, pad 1 (winograd); {Others}",
        Choice.Winograd4x4 => $"Winograd F(4×4, 3×3) for 3×3 stride-1 pad-1 layers with ≥ {MinimumWinogradChannels} input channels "
            + $"(winograd4x4); {Others}",
        _ => $"Winograd F(2×2, 3×3) for 3×3 stride-1 pad-1 layers with ≥ {MinimumWinogradChannels} input channels; {Others}",
    };

    private static string Others => Vector256.IsHardwareAccelerated
        ? "direct for 1-channel stride-1 layers, im2col + GEMM elsewhere"
        : "im2col + GEMM elsewhere";

    /// <summary>The spellings of <see cref="Choice"/> in MLNETFASHION_CONV and in a model spec's "convolution".</summary>
    public static readonly string[] Names = ["auto", "im2col", "winograd", "winograd4x4"];

    public static string Name(Choice choice) => Names[(int)choice];

    internal static Choice Parse(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" or "auto" => Choice.Auto,
        "im2col" => Choice.Im2Col,
        "winograd" => Choice.Winograd,
        "winograd4x4" => Choice.Winograd4x4,
        _ => throw new InvalidOperationException(
            $"{EnvironmentVariable}: expected auto, im2col, winograd or winograd4x4, received '{value}'."),
    };

    public static IConvolutionKernel Create(int channels, int filters, Window rows, Window cols, int threads)
        => Create(channels, filters, rows, cols, threads, Resolve(s_recipe));

    /// <summary>As <see cref="Create(int, int, Window, Window, int)"/>, the Winograd and im2col kernels' scratch in
    /// <paramref name="shared"/> (a model's, allocated after its build) when given.</summary>
    internal static IConvolutionKernel Create(int channels, int filters, Window rows, Window cols, int threads, ConvolutionScratch? shared)
        => Create(channels, filters, rows, cols, threads, Resolve(s_recipe), shared);

    internal static IConvolutionKernel Create(int channels, int filters, Window rows, Window cols, int threads, Choice choice,
        ConvolutionScratch? shared = null)
    {
        bool winograd = WinogradKernel.Supports(rows, cols) && choice switch
        {
            Choice.Winograd => true,
            Choice.Im2Col => false,
            _ => channels >= MinimumWinogradChannels,
        };
        if (winograd && choice == Choice.Winograd4x4) return new Winograd4x4Kernel(channels, filters, rows, cols, threads, shared);
        if (winograd) return new WinogradKernel(channels, filters, rows, cols, threads, Vector256.IsHardwareAccelerated, shared: shared);
        return choice != Choice.Im2Col && Vector256.IsHardwareAccelerated && SingleChannelKernel.Supports(channels, rows, cols)
            ? new SingleChannelKernel(filters, rows, cols, threads)
            : new ConvolutionKernel(channels, filters, rows, cols, threads, shared);
    }
}
