using System.Diagnostics;
using MlNetFashion.Scoring.Classification;
using MlNetFashion.Scoring.Tests.Classification;
using MlNetFashion.Tests.Shared;

namespace MlNetFashion.Scoring.Tests.Commands;

/// <summary>
/// predict --gpu on a machine without CUDA, as a separate process: ONNX Runtime writes its own log to the process's
/// stderr, past Console, so only a real process shows what the user sees. On the GPU build (-p:OnnxRuntimeGpu=true)
/// the CUDA provider is there and fails to load its CUDA libraries; on the CPU build it is absent.
/// </summary>
public class GpuFallbackTests
{
    [NoCudaFact]
    [Trait("Category", "Gpu")]
    public void Predict_GpuWithoutCuda_StderrIsOnlyTheFallbackLineAndItScores()
    {
        string image = Path.Combine(AppContext.BaseDirectory, "samples", "1-trouser.png");
        var (exit, output, error) = RunApp("predict", "--model", TrainedModel.Onnx, "--gpu", "0", image);
        Assert.Equal(0, exit);
        Assert.Equal(GpuSelection.CpuFallbackMessage + Environment.NewLine, error);
        Assert.Contains("1-trouser.png", output);
    }

    [NoCudaFact]
    [Trait("Category", "Gpu")]
    public void PredictIdx_GpuWithoutCuda_StderrIsOnlyTheFallbackLine()
    {
        using var images = new TempFile("gpu-fallback-images", ".idx");
        byte[] pixels = [.. Enumerable.Range(0, 3).SelectMany(i => TrainedModel.Test.Image(i).ToArray())];
        MlNetFashion.Pipeline.Data.IdxWriter.WriteImages(images.Path, pixels, count: 3, rows: 28, cols: 28);
        var (exit, output, error) = RunApp("predict", "--model", TrainedModel.Onnx, "--gpu", "0", "--idx", images.Path);
        Assert.Equal(0, exit);
        Assert.Equal(GpuSelection.CpuFallbackMessage + Environment.NewLine, error);
        Assert.StartsWith("3 images", output);
    }

    private static (int Exit, string Out, string Error) RunApp(params string[] args)
    {
        string app = Path.Combine(AppContext.BaseDirectory, "MlNetFashion.Scoring.App.dll");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args.Prepend(app)) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var error = process.StandardError.ReadToEndAsync();
        string text = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(60_000), "predict --gpu: no exit after a minute");
        return (process.ExitCode, text, error.Result);
    }
}
