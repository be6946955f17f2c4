using MlNetFashion.Scoring.Classification;
using MlNetFashion.Scoring.Data;
using MlNetFashion.Tests.Shared;

namespace MlNetFashion.Scoring.Tests.Classification;

/// <summary>FILE.source.json: which model and input made a predictions file, checked before a resumed run appends.</summary>
public sealed class PredictionSourceTests() : TempFolderTests("source-")
{
    [Fact]
    public void Verify_SameModelAndIdxFile_Passes()
    {
        string idx = StreamingScorerTests.WriteIdx(Folder, 20, gzip: false), output = Path.Combine(Folder, "p.csv");
        using (var images = new IdxImageStream(idx)) PredictionSource.ForIdx(TrainedModel.Onnx, idx, images).WriteBeside(output);

        using var again = new IdxImageStream(idx);
        PredictionSource source = PredictionSource.ForIdx(TrainedModel.Onnx, idx, again);
        source.Verify(output);
        Assert.Equal(PredictionInputKind.Idx, source.InputKind);
        Assert.Equal(20, source.Images);
        Assert.Equal(16 + 20 * 784, source.InputBytes);
    }

    [Fact]
    public void Verify_AnotherModel_ErrorNamingBothVersions()
    {
        string idx = StreamingScorerTests.WriteIdx(Folder, 20, gzip: false), output = Path.Combine(Folder, "p.csv");
        string other = Path.Combine(Folder, "other.onnx");
        File.WriteAllBytes(other, [.. File.ReadAllBytes(TrainedModel.Onnx), 0]);
        using var images = new IdxImageStream(idx);
        PredictionSource.ForIdx(TrainedModel.Onnx, idx, images).WriteBeside(output);

        var ex = Assert.Throws<InvalidDataException>(() => PredictionSource.ForIdx(other, idx, images).Verify(output));

        string was = ModelInfo.VersionOf(File.ReadAllBytes(TrainedModel.Onnx)), now = ModelInfo.VersionOf(File.ReadAllBytes(other));
        string expected = $"{output}: made by model version {was} ({Path.GetFullPath(TrainedModel.Onnx)}), not {now} ({other})";
        Assert.StartsWith(expected, ex.Message);
    }

    [Fact]
    public void Verify_FolderGainedAnImage_ErrorSayingTheInputChanged()
    {
        string folder = Directory.CreateDirectory(Path.Combine(Folder, "images")).FullName, output = Path.Combine(Folder, "p.jsonl");
        File.WriteAllBytes(Path.Combine(folder, "a.png"), [1]);
        PredictionSource.ForFolder(TrainedModel.Onnx, new ImageFileWalk(folder)).WriteBeside(output);
        File.WriteAllBytes(Path.Combine(folder, "b.png"), [1]);

        string error = VerifyAgainstFolder(folder, output);

        Assert.StartsWith($"{output}: made from {folder} when it held 1 images, it now holds 2 images: the input changed", error);
    }

    [Fact]
    public void Verify_AnotherInput_ErrorNamingBoth()
    {
        string idx = StreamingScorerTests.WriteIdx(Folder, 20, gzip: false), output = Path.Combine(Folder, "p.csv");
        string folder = Directory.CreateDirectory(Path.Combine(Folder, "images")).FullName;
        using var images = new IdxImageStream(idx);
        PredictionSource.ForIdx(TrainedModel.Onnx, idx, images).WriteBeside(output);

        string error = VerifyAgainstFolder(folder, output);

        Assert.StartsWith($"{output}: made from the IDX file {idx}, not the folder {folder}", error);
    }

    /// <summary>The error checking <paramref name="output"/>'s record against scoring <paramref name="folder"/> now.</summary>
    private static string VerifyAgainstFolder(string folder, string output) => Assert.Throws<InvalidDataException>(
        () => PredictionSource.ForFolder(TrainedModel.Onnx, new ImageFileWalk(folder)).Verify(output)).Message;

    [Fact]
    public void Verify_NoRecordBesideTheFile_ErrorSayingItCannotBeChecked()
    {
        string idx = StreamingScorerTests.WriteIdx(Folder, 20, gzip: false), output = Path.Combine(Folder, "p.csv");
        using var images = new IdxImageStream(idx);

        var ex = Assert.Throws<InvalidDataException>(() => PredictionSource.ForIdx(TrainedModel.Onnx, idx, images).Verify(output));

        Assert.Equal($"{output}: p.csv.source.json is missing beside it, so which model and input made it cannot be checked; "
            + "remove it to score from the start", ex.Message);
    }
}
