using MlNetFashion.Engine.Tests.Harness;
using MlNetFashion.Pipeline;
using MlNetFashion.Scoring.Classification;
using MlNetFashion.Scoring.Imaging;
using MlNetFashion.Scoring.Tests.Imaging;
using MlNetFashion.Tests.Shared;
using SkiaSharp;

namespace MlNetFashion.Scoring.Tests.Classification;

public class FashionClassifierTests
{
    private static FashionClassifier Classifier => TrainedModel.Classifier;

    [Fact]
    public void PredictPixels_RealTestImages_MostlyRight()
    {
        var test = TrainedModel.Test;
        int correct = Enumerable.Range(0, 300).Count(i => Classifier.PredictPixels(test.Image(i)).LabelIndex == test.Labels[i]);
        Assert.True(correct >= 220, $"{correct}/300 correct");
    }

    [Theory]
    [InlineData(SKEncodedImageFormat.Png)]
    [InlineData(SKEncodedImageFormat.Jpeg)]
    public void Predict_GarmentDrawnDarkOnWhiteInColourAndLarger_SameLabelAsRawPixels(SKEncodedImageFormat format)
    {
        var test = TrainedModel.Test;
        int agree = 0, tried = 0;
        for (int i = 0; i < 40; i++)
        {
            byte[] pixels = test.Image(i).ToArray();
            Prediction raw = Classifier.PredictPixels(pixels);
            if (raw.Confidence < 0.9) continue; // compare where the model is sure
            tried++;
            // 8× larger, dark-on-white, tinted blue, with a white margin: what a phone photo of a catalogue looks like.
            byte[] image = ImagePreprocessorTests.Encode(28 * 8 + 40, 28 * 8 + 40, (x, y) =>
            {
                int sx = (x - 20) / 8, sy = (y - 20) / 8;
                byte v = sx is >= 0 and < 28 && sy is >= 0 and < 28 ? (byte)(255 - pixels[sy * 28 + sx]) : (byte)255;
                return new SKColor((byte)(v * 0.9), (byte)(v * 0.95), v);
            }, format);
            if (Classifier.Predict(image, $"garment.{format}").LabelIndex == raw.LabelIndex) agree++;
        }
        Assert.True(tried >= 10, $"only {tried} confident images");
        Assert.True(agree >= tried * 0.8, $"{agree}/{tried} photos agree with the raw pixels");
    }

    [Fact]
    public void Predict_SampleFiles_ReturnTheirClasses()
    {
        string dir = Path.Combine(AppContext.BaseDirectory, "samples");
        string[] files = Directory.GetFiles(dir, "*.png");
        Assert.Equal(10, files.Length);
        int right = files.Count(f =>
            Classifier.Predict(f).LabelIndex == int.Parse(Path.GetFileName(f)[..1], System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(right >= 6, $"{right}/10 samples right");
    }

    [Fact]
    public void Predict_EightThreads_SameResultsAsSequential()
    {
        var test = TrainedModel.Test;
        Prediction[] sequential = [.. Enumerable.Range(0, 200).Select(i => Classifier.PredictPixels(test.Image(i)))];
        var parallel = new Prediction[200];
        Parallel.For(0, 200, new ParallelOptions { MaxDegreeOfParallelism = 8 },
            i => parallel[i] = Classifier.PredictPixels(test.Image(i)));
        for (int i = 0; i < 200; i++)
        {
            Assert.Equal(sequential[i].LabelIndex, parallel[i].LabelIndex);
            Assert.Equal(sequential[i].Probabilities, parallel[i].Probabilities);
        }
    }

    [Fact]
    public void Predict_AfterDispose_ThrowsObjectDisposed()
    {
        // ONNX Runtime threw a NullReferenceException from inside its session.
        var classifier = FashionClassifier.Load(TrainedModel.Onnx);
        classifier.Dispose();
        Assert.Throws<ObjectDisposedException>(() => classifier.PredictPixels(TrainedModel.Test.Image(0)));
    }

    [Fact]
    public void Load_ZipOfAPipelineOnFeatures_SaysItDoesNotTakePixels()
    {
        // It loaded, and said "Could not find input column 'Features' (Parameter 'inputSchema')" without naming the file.
        var ml = new Microsoft.ML.MLContext(seed: 1);
        var schema = ml.Data.LoadFromEnumerable(new[] { new FeaturesRow() });
        var model = MlNetFashion.Pipeline.Trainer.ScoringChain.Create(ml, File.ReadAllBytes(TrainedModel.Onnx), schema);
        using var temp = new TempFile("features", ".zip");
        string path = temp.Path;
        ml.Model.Save(model, schema.Schema, path);
        var ex = Assert.Throws<InvalidDataException>(() => FashionClassifier.Load(path));
        Assert.Equal($"{Path.GetFileName(path)}: the model does not take a Pixels column of 28×28 bytes, as train's model.zip does"
            + " (Could not find input column 'Features')", ex.Message);
    }

    private sealed class FeaturesRow
    {
        [Microsoft.ML.Data.VectorType(784)]
        public float[] Features { get; set; } = new float[784];
    }

    [Fact]
    public void Predict_NullArguments_ThrowArgumentNull()
    {
        Assert.Throws<ArgumentNullException>(() => Classifier.Predict((string)null!));
        Assert.Throws<ArgumentNullException>(() => Classifier.Predict((Stream)null!));
        Assert.Throws<ArgumentNullException>(() => Classifier.Predict((byte[])null!));
    }

    [Fact]
    public void PredictPixels_ScaledFloats_SameProbabilitiesAsTheirBytes()
    {
        byte[] pixels = TrainedModel.Test.Image(3).ToArray();

        float[] scaled = [.. pixels.Select(p => p / 255f)];

        Assert.Equal(Classifier.PredictPixels(pixels).Probabilities, Classifier.PredictPixels(scaled).Probabilities);
    }

    [Theory]
    [InlineData(255f)]
    [InlineData(-0.01f)]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void PredictPixels_FloatsOutsideZeroToOne_ThrowNamingTheFirst(float value)
    {
        float[] scaled = new float[784];
        scaled[5] = value;

        var error = Assert.Throws<ArgumentException>(() => Classifier.PredictPixels(scaled));

        Assert.StartsWith($"scaled: expected values in [0, 1] (pixels / 255), found {value} at index 5", error.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    public void LoadAndPredict_BlankPath_ArgumentExceptionNamingIt(string path)
    {
        // Both said ": … file not found".
        var load = Assert.Throws<ArgumentException>(() => FashionClassifier.Load(path));
        var predict = Assert.Throws<ArgumentException>(() => Classifier.Predict(path));

        Assert.Equal($"model path: expected a file path, received '{path}'", load.Message);
        Assert.Equal($"image path: expected a file path, received '{path}'", predict.Message);
    }

    [NoCudaFact]
    [Trait("Category", "Gpu")]
    public void Load_GpuRequestedOnCpuOnlyMachine_FallsBackAndStillPredicts()
    {
        using var classifier = FashionClassifier.Load(TrainedModel.Zip, new ClassifierOptions { GpuDeviceId = 0 });
        Assert.Equal(GpuSelection.CpuFallbackMessage, classifier.GpuStatus);
        Prediction p = classifier.PredictPixels(TrainedModel.Test.Image(0));
        Assert.Equal(FashionMnistClasses.Names[p.LabelIndex], p.Label);
        Assert.Equal(1.0, p.Probabilities.Sum(), 3);
    }

    [Fact]
    public void ModelZipAndOnnx_GiveTheSameProbabilities()
    {
        using var zip = FashionClassifier.Load(TrainedModel.Zip);
        for (int i = 0; i < 5; i++)
        {
            Assert.Equal(Classifier.PredictPixels(TrainedModel.Test.Image(i)).Probabilities,
                zip.PredictPixels(TrainedModel.Test.Image(i)).Probabilities);
        }
    }

    [PythonOnnxFact]
    public void Predict_ModelWithoutLogitsOutput_SameProbabilitiesAndLnPStandsIn()
    {
        // An ONNX model that follows the contract but for "logits" (not one our exporter writes): the graph of
        // TrainedModel with only "probabilities" left as an output and no stored in-distribution rule.
        using var temp = new TempFile("no-logits", ".onnx");
        string path = temp.Path;
        var (exit, output) = Python.Run("-c", "import onnx, sys; m = onnx.load(sys.argv[1]); " +
            "kept = [o for o in m.graph.output if o.name == 'probabilities']; del m.graph.output[:]; m.graph.output.extend(kept); " +
            "props = [p for p in m.metadata_props if p.key not in ('ood_score', 'ood_threshold')]; " +
            "del m.metadata_props[:]; m.metadata_props.extend(props); onnx.save(m, sys.argv[2])", TrainedModel.Onnx, path);
        Assert.True(exit == 0, output);
        using var bare = FashionClassifier.Load(path);
        for (int i = 0; i < 5; i++)
        {
            Prediction expected = Classifier.PredictPixels(TrainedModel.Test.Image(i));
            Prediction p = bare.PredictPixels(TrainedModel.Test.Image(i));
            Assert.Equal(expected.LabelIndex, p.LabelIndex);
            Assert.Equal(expected.Probabilities, p.Probabilities);
            // Energy of ln p = log Σ p = 0: no in-distribution information without logits.
            Assert.Equal(0, p.InDistributionScore, 4);
        }
    }

    [Fact]
    public void BatchScorer_NegativeThreadsOrDevice_RefusedNamingIt()
    {
        byte[] onnx = File.ReadAllBytes(TrainedModel.Onnx);

        Assert.Equal("threads", Assert.Throws<ArgumentOutOfRangeException>(() => new BatchScorer(onnx, threads: -1)).ParamName);
        Assert.Equal("gpuDeviceId", Assert.Throws<ArgumentOutOfRangeException>(() => new BatchScorer(onnx, gpuDeviceId: -1)).ParamName);
    }

    [Fact]
    public void BatchScorer_TestIdx_MatchesPerImageClassifier()
    {
        string dir = Pipeline.Data.DataLocator.Locate(null);
        using var scorer = BatchScorer.Load(TrainedModel.Zip);
        var result = scorer.ScoreIdx(Pipeline.Data.DataLocator.RequireFile(dir, "t10k-images-idx3-ubyte"),
            Pipeline.Data.DataLocator.RequireFile(dir, "t10k-labels-idx1-ubyte"));
        Assert.Equal(10_000, result.Count);
        Assert.InRange(result.Accuracy!.Value, 0.75, 1.0);
        for (int i = 0; i < 50; i++) Assert.Equal(Classifier.PredictPixels(TrainedModel.Test.Image(i)).LabelIndex, result.Predicted[i]);
    }
}
