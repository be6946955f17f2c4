using MlNetFashion.Engine.Training;
using MlNetFashion.Pipeline.Reporting;
using MlNetFashion.Tests.Shared;

namespace MlNetFashion.Pipeline.Tests.Reporting;

public sealed class PlotsTests() : TempFolderTests("plots-")
{
    private static readonly EpochMetrics[] History =
        [new(1, 0.9f, 0.7f, 0.8f, 0.75f, 1e-3f, 10, 1000), new(2, 0.6f, 0.8f, 0.7f, 0.78f, 1e-4f, 10, 1000)];

    [Fact]
    public void LearningCurves_TwoEpochs_TwoPngFilesAndNothingElse()
    {
        string loss = Path.Combine(Folder, "loss.png"), accuracy = Path.Combine(Folder, "accuracy.png");

        Plots.LearningCurves(History, loss, accuracy);

        Assert.Equal([accuracy, loss], Directory.GetFileSystemEntries(Folder).Order(StringComparer.Ordinal));
        byte[] signature = [0x89, (byte)'P', (byte)'N', (byte)'G'];
        Assert.All([loss, accuracy], png => Assert.Equal(signature, File.ReadAllBytes(png)[..4]));
    }

    [Fact]
    public void LearningCurves_FolderInThePngsPlace_ErrorStartsWithItAndNoTempFileLeft()
    {
        string loss = Directory.CreateDirectory(Path.Combine(Folder, "loss.png")).FullName;

        var error = Assert.Throws<IOException>(() => Plots.LearningCurves(History, loss, Path.Combine(Folder, "accuracy.png")));

        Assert.StartsWith(loss + ": ", error.Message);
        Assert.Equal([loss], Directory.GetFileSystemEntries(Folder));
    }
}
