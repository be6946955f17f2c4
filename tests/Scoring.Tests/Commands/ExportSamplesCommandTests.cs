using MlNetFashion.Pipeline;
using MlNetFashion.Tests.Shared;
using SkiaSharp;

namespace MlNetFashion.Scoring.Tests.Commands;

public sealed class ExportSamplesCommandTests() : TempFolderTests("export-samples-")
{
    [Fact]
    public void ExportSamples_Out_WritesTheFirstTestImageOfEachClassAsA28x28Png()
    {
        string output = Path.Combine(Folder, "samples");

        var (exit, stdout, error) = Cli.Run("export-samples", "--out", output);

        Assert.True(exit == 0, error);
        string[] written = [.. Directory.GetFiles(output).Select(Path.GetFileName).Order()!];
        Assert.Equal(FashionMnistClasses.Count, written.Length);
        for (int label = 0; label < FashionMnistClasses.Count; label++)
        {
            string path = Path.Combine(output, ExportSamplesCommandName(label));
            Assert.Contains(path + "\n", stdout);
            using SKBitmap png = SKBitmap.Decode(path);
            Assert.Equal((28, 28), (png.Width, png.Height));
            byte[] expected = TrainedModel.Test.Image(Array.IndexOf(TrainedModel.Test.Labels, (byte)label)).ToArray();
            Assert.Equal(expected, Enumerable.Range(0, 784).Select(i => png.GetPixel(i % 28, i / 28).Red));
        }
    }

    private static string ExportSamplesCommandName(int label) => Scoring.Commands.ExportSamplesCommand.SampleName(label);
}
