using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using MlNetFashion.Engine.Calibration;
using MlNetFashion.Engine.Models;
using MlNetFashion.Engine.Onnx;
using MlNetFashion.Engine.Tensors;
using DenseTensor = Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<float>;

namespace MlNetFashion.Engine.Tests.Onnx;

public class OnnxExporterCalibrationTests
{
    [Fact]
    public void Export_WithTemperature_ProbabilitiesAreSoftmaxOfLogitsOverT()
    {
        const int count = 6;
        const double temperature = 1.8;
        Sequential model = Presets.Article2x2Conv();
        var random = new EngineRandom(21);
        model.Build(count, random);
        float[] images = [.. Enumerable.Range(0, count * 784).Select(_ => (float)random.NextDouble())];
        var engineLogits = new float[count * 10];
        model.PredictLogits(images, count, engineLogits);

        byte[] onnx = OnnxExporter.Export(model, new OnnxExportOptions { Temperature = temperature });
        (float[] logits, float[] probabilities) = Run(onnx, images, count);

        var expected = new float[count * 10];
        TemperatureScaling.Softmax(logits, 10, temperature, expected);
        Assert.True(expected.Zip(probabilities, (e, a) => Math.Abs(e - a)).Max() <= 1e-6);
        Assert.True(engineLogits.Zip(logits, (e, a) => Math.Abs(e - a)).Max() <= 1e-4, "the logits output stays the raw logits");
        var plain = new float[count * 10];
        TemperatureScaling.Softmax(logits, 10, 1, plain);
        Assert.True(plain.Zip(probabilities, (e, a) => Math.Abs(e - a)).Max() > 1e-3, "T must change the probabilities");
    }

    [Fact]
    public void Export_CalibrationMetadata_ReadsBack()
    {
        Sequential model = Presets.Article2x2Conv().Build(1, new EngineRandom(2));
        var rule = new InDistributionRule(InDistributionScoreKind.Energy, 7.25);

        byte[] onnx = OnnxExporter.Export(model, new OnnxExportOptions { Temperature = 1.5, InDistribution = rule });

        using var session = new InferenceSession(onnx);
        Dictionary<string, string> metadata = session.ModelMetadata.CustomMetadataMap;
        Assert.Equal(1.5, double.Parse(metadata[OnnxExporter.TemperatureKey], CultureInfo.InvariantCulture));
        Assert.Equal("energy", metadata[OnnxExporter.InDistributionScoreKey]);
        Assert.Equal(7.25, double.Parse(metadata[OnnxExporter.InDistributionThresholdKey], CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    public void Export_TemperatureNotPositive_Refused(double temperature)
    {
        Sequential model = Presets.Article2x2Conv().Build(1, new EngineRandom(2));

        var ex = Assert.Throws<ArgumentException>(() => OnnxExporter.Export(model, new OnnxExportOptions { Temperature = temperature }));

        Assert.Contains("expected a temperature > 0", ex.Message);
    }

    private static (float[] Logits, float[] Probabilities) Run(byte[] onnx, float[] images, int count)
    {
        using var session = new InferenceSession(onnx);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(OnnxExporter.InputName, new DenseTensor(images, [count, 1, 28,
            28]))]);
        return (results.First(r => r.Name == OnnxExporter.LogitsName).AsEnumerable<float>().ToArray(),
            results.First(r => r.Name == OnnxExporter.ProbabilitiesName).AsEnumerable<float>().ToArray());
    }
}
