using System.Diagnostics;
using MlNetFashion.Tests.Shared;

namespace MlNetFashion.Benchmarks.Tests;

/// <summary>benchmarks/export_digits.py and export_fashion_photos.py: the image folders behind "Your own images".</summary>
public sealed class ExportImagesScriptTests() : TempFolderTests("export-images-")
{
    private const string Python = "/usr/bin/python3";
    private static (int Exit, string Out, string Error) Run(string script, params string[] args) =>
        RunPython([Path.Combine(Shell.Repository, "benchmarks", script), .. args]);

    private static (int Exit, string Out, string Error) RunPython(IEnumerable<string> args)
    {
        var info = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output, error.Result);
    }

    private static bool Imports(string modules) => File.Exists(Python) && RunPython(["-c", $"import {modules}"]).Exit == 0;

    public sealed class SklearnFactAttribute : FactAttribute
    {
        public SklearnFactAttribute()
        {
            if (!Imports("sklearn, PIL")) Skip = $"{Python} cannot import sklearn and PIL: install python3-sklearn and python3-pil.";
        }
    }

    public sealed class FashionPhotosFactAttribute : FactAttribute
    {
        public FashionPhotosFactAttribute()
        {
            if (!Imports("numpy, PIL")) Skip = $"{Python} cannot import numpy and PIL: install python3-numpy and python3-pil.";
            else if (!File.Exists("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz"))
                Skip = "no Fashion-MNIST in /usr/share/datasets/fashion-mnist: install dataset-fashion-mnist.";
        }
    }

    [SklearnFact]
    public void ExportDigits_NewFolder_EveryImageInItsDigitsFolder()
    {
        string output = Path.Combine(Folder, "digits");
        var (exit, stdout, error) = Run("export_digits.py", output);

        Assert.True(exit == 0, error);
        Assert.Contains("1797 images of 10 classes", stdout);
        Assert.Equal([.. Enumerable.Range(0, 10).Select(d => d.ToString(System.Globalization.CultureInfo.InvariantCulture))],
            Directory.GetDirectories(output).Select(d => Path.GetFileName(d)).Order(StringComparer.Ordinal));
        Assert.Equal(1797, Directory.GetFiles(output, "*.png", SearchOption.AllDirectories).Length);
        Assert.Empty(Directory.GetFiles(output, "*.tmp", SearchOption.AllDirectories));
    }

    [Theory]
    [InlineData("export_digits.py")]
    [InlineData("export_fashion_photos.py")]
    public void Export_FolderWithFiles_OneErrorLineNothingAdded(string script)
    {
        string output = Directory.CreateDirectory(Path.Combine(Folder, "used")).FullName;
        File.WriteAllText(Path.Combine(output, "mine.txt"), "keep");

        var (exit, _, error) = Run(script, output);

        Assert.Equal(1, exit);
        Assert.Equal($"error: {output}: expected a new or empty folder (the export must not mix with other images)", error.Trim());
        Assert.Single(Directory.GetFileSystemEntries(output));
    }

    [FashionPhotosFact]
    public void ExportFashionPhotos_SmallCounts_DisjointTrainAndTestPerClass()
    {
        string output = Path.Combine(Folder, "photos");
        var (exit, _, error) = Run("export_fashion_photos.py", output, "2", "3");

        Assert.True(exit == 0, error);
        string[] classes =
            [.. Directory.GetDirectories(Path.Combine(output, "train")).Select(d => Path.GetFileName(d)).Order(StringComparer.Ordinal)];
        Assert.Equal(10, classes.Length);
        Assert.Equal("0-t-shirt-top", classes[0]);
        Assert.Equal("9-ankle-boot", classes[9]);
        foreach (string name in classes)
        {
            string[] train = [.. Directory.GetFiles(Path.Combine(output, "train", name)).Select(f => Path.GetFileName(f))];
            string[] test = [.. Directory.GetFiles(Path.Combine(output, "test", name)).Select(f => Path.GetFileName(f))];
            Assert.Equal(2, train.Length);
            Assert.Equal(3, test.Length);
            Assert.Empty(train.Intersect(test));
        }
    }
}
