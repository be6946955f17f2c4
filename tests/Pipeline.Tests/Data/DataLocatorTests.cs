using MlNetFashion.Pipeline.Data;
using MlNetFashion.Tests.Shared;

namespace MlNetFashion.Pipeline.Tests.Data;

/// <summary>Sets FASHION_MNIST_DIR in this process; the assembly runs one test class at a time, and each test restores it.</summary>
public sealed class DataLocatorTests() : TempFolderTests("locator-tests-")
{
    private readonly string? _saved = Environment.GetEnvironmentVariable(DataLocator.EnvironmentVariable);

    public override void Dispose()
    {
        Environment.SetEnvironmentVariable(DataLocator.EnvironmentVariable, _saved);
        base.Dispose();
    }

    [Fact]
    public void Locate_EnvironmentFolderMissing_NamesTheVariableAndTheFolder()
    {
        // It fell back to ./data or /usr/share/datasets/fashion-mnist without a word.
        string missing = Path.Combine(Folder, "fashoin-mnist");
        Environment.SetEnvironmentVariable(DataLocator.EnvironmentVariable, missing);

        var ex = Assert.Throws<FashionMnistDataException>(() => DataLocator.Locate(null));

        Assert.StartsWith($"FASHION_MNIST_DIR={missing}: the folder does not exist", ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void Locate_DataDirGiven_WinsOverAMissingEnvironmentFolder()
    {
        Environment.SetEnvironmentVariable(DataLocator.EnvironmentVariable, Path.Combine(Folder, "absent"));

        Assert.Equal(Folder, DataLocator.Locate(Folder));
    }

    [Fact]
    public void Load_EnvironmentFolderWithoutTheFiles_NamesTheFolderInsteadOfUsingAnotherCopy()
    {
        // It searched on and trained on ./data or /usr/share/datasets/fashion-mnist without a word.
        Environment.SetEnvironmentVariable(DataLocator.EnvironmentVariable, Folder);

        var ex = Assert.Throws<FashionMnistDataException>(() => FashionMnist.Load());

        Assert.Contains($"not found in {Folder}", ex.Message);
    }
}
