using System.Diagnostics;
using System.Text.Json.Nodes;
using MlNetFashion.Scoring.Classification;
using MlNetFashion.Scoring.Imaging;
using MlNetFashion.Scoring.Tests.Deploy;
using MlNetFashion.Tests.Shared;

namespace MlNetFashion.Scoring.Tests.Api;

/// <summary>README's `curl --data-binary @boot.png http://127.0.0.1:5080/predict` against a real serve process.</summary>
public sealed class CurlExampleTests() : TempFolderTests("curl-example-")
{
    [CurlFact]
    public void PostPredict_CurlDataBinaryOfAPng_AnswersThePredictionTheClassifierGives()
    {
        int index = Array.IndexOf(TrainedModel.Test.Labels, (byte)9);   // an ankle boot
        string boot = Path.Combine(Folder, "boot.png");
        File.WriteAllBytes(boot, ImagePreprocessor.EncodePng(new GrayImage(28, 28, TrainedModel.Test.Image(index).ToArray())));
        int port = Loopback.FreePort();
        using var serve = ServeProcess.StartServe(["serve", "--model", TrainedModel.Onnx, "--urls", $"http://127.0.0.1:{port}"]);

        var info = new ProcessStartInfo(CurlFactAttribute.Curl!)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Folder,
        };
        foreach (string a in new[] { "--silent", "--show-error", "--data-binary", "@boot.png", $"http://127.0.0.1:{port}/predict" })
            info.ArgumentList.Add(a);
        using var curl = Process.Start(info)!;
        Task<string> error = curl.StandardError.ReadToEndAsync();
        string body = curl.StandardOutput.ReadToEnd();
        Assert.True(curl.WaitForExit(30_000), "curl did not finish in 30 s");

        Assert.True(curl.ExitCode == 0, error.Result);
        JsonNode answer = JsonNode.Parse(body)!;
        using var classifier = FashionClassifier.Load(TrainedModel.Onnx, new ClassifierOptions());
        Prediction expected = classifier.Predict(boot);
        Assert.Equal(expected.Label, (string?)answer["prediction"]!["label"]);
        Assert.StartsWith("data:image/png;base64,", (string?)answer["input28"]);
    }
}
