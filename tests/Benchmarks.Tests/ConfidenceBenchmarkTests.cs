using MlNetFashion.Engine.Calibration;
using MlNetFashion.Engine.Models;
using MlNetFashion.Engine.Onnx;
using MlNetFashion.Engine.Tensors;
using MlNetFashion.Tests.Shared;

namespace MlNetFashion.Benchmarks.Tests;

public sealed class ConfidenceBenchmarkTests() : TempFolderTests("confidence-bench-")
{
    [Fact]
    public void Auroc_HandComputedCase_CountsTiesAsHalf()
    {
        // Pairs (in, out): (3, 1) 1, (3, 3) ½, (4, 1) 1, (4, 3) 1 → 3.5 / 4.
        Assert.Equal(0.875, ConfidenceBenchmark.Auroc([3, 4], [1, 3]), 9);
    }

    [Fact]
    public void Measure_FewImages_EveryFamilyAndTheDeletionTest()
    {
        Sequential model = Presets.Get("seed004").CreateModel();
        model.Build(8, new EngineRandom(5));
        string path = Path.Combine(Folder, "model.onnx");
        File.WriteAllBytes(path, OnnxExporter.Export(model, new OnnxExportOptions
        {
            Temperature = 1.3, InDistribution = new InDistributionRule(InDistributionScoreKind.Energy, -1e9),
        }));
        WriteRaw(Path.Combine(Folder, "digits.u8"), 12, 8, 8, seed: 1);
        WriteRaw(Path.Combine(Folder, "photos.u8"), 12, 64, 64, seed: 2);

        ConfidenceBenchmark.Result r = ConfidenceBenchmark.Measure(new ConfidenceBenchmark.Options(path, 20, Folder, null));

        Assert.Equal(1.3, r.Temperature, 6);
        // The icons come from Debian's adwaita-icon-theme (./build.sh setup installs it); without it the run notes their absence.
        string[] icons = Directory.Exists(ConfidenceBenchmark.IconFolder) ? ["icons (held out)"] : [];
        Assert.Equal(["blank and uniform", "noise", "text", "shapes", "symbols (held out)", .. icons, "digits", "photos"],
            r.Families.Select(f => f.Family));
        Assert.All(r.Families, f => Assert.All(f.Auroc.Values, a => Assert.InRange(a, 0, 1)));
        // Even a threshold that accepts every score: blank and uniform images fail the foreground check.
        Assert.Equal(0, r.Families[0].FalseAcceptAtModel);
        Assert.Equal(20, r.DeletionCount);
        Assert.InRange(r.DeletionHolds, 0, 1);
        Assert.InRange(r.EceBefore, 0, 1);
    }

    /// <summary>A file as confidence_ood_images.py writes it: int32 count, height, width, then seeded random bytes.</summary>
    private static void WriteRaw(string path, int count, int height, int width, int seed)
    {
        var bytes = new byte[count * height * width];
        new Random(seed).NextBytes(bytes);
        using var stream = File.Create(path);
        stream.Write(BitConverter.GetBytes(count));
        stream.Write(BitConverter.GetBytes(height));
        stream.Write(BitConverter.GetBytes(width));
        stream.Write(bytes);
    }
}
