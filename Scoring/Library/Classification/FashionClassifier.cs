using Microsoft.Extensions.ObjectPool;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetFashion.Engine.Calibration;
using MlNetFashion.Engine.Onnx;
using MlNetFashion.Pipeline;
using MlNetFashion.Pipeline.Data;
using MlNetFashion.Pipeline.Runs;
using MlNetFashion.Pipeline.Trainer;
using MlNetFashion.Scoring.Imaging;

namespace MlNetFashion.Scoring.Classification;

/// <summary>
/// Classifies garments with a trained model (model.onnx or model.zip) through ML.NET: pixels → ScalePixels →
/// ONNX transformer → Score / PredictedLabel. One instance is safe to share between threads (a server): ML.NET's
/// PredictionEngine is not, so engines are pooled and each call borrows one.
/// </summary>
public sealed partial class FashionClassifier : IDisposable
{
    private readonly MLContext _ml = new(seed: 1);
    private readonly ITransformer _model;
    private readonly ObjectPool<PredictionEngine<PixelInput, ScoreOutput>> _engines;
    private readonly ModelSession _session;
    private readonly double? _threshold;

    private FashionClassifier(string path, ClassifierOptions options)
    {
        (int? device, string? message) = GpuSelection.Resolve(options.GpuDeviceId);
        GpuStatus = message;
        if (device is int id)
        {
            _ml.GpuDeviceId = id;
            _ml.FallbackToCpu = false;
        }
        // The session options ML.NET's ONNX transformer uses; MLContext is the host environment they hang on.
        Microsoft.ML.Transforms.Onnx.OnnxSessionOptionsExtensions.SetOnnxSessionOption((Microsoft.ML.Runtime.IHostEnvironment)_ml,
            new Microsoft.ML.Transforms.Onnx.OnnxSessionOptions
            {
                PerSessionThreads = true,
                IntraOpNumThreads = options.IntraOpThreads ?? Environment.ProcessorCount,
            });
        // The bytes read before and after loading must agree, so Info describes the model that was loaded even when
        // the file is replaced meanwhile (a hot swap): then loading fails and is tried again on the next change.
        byte[]? before = File.Exists(path) ? File.ReadAllBytes(path) : null;
        _model = ModelFile.LoadForPixels(_ml, path, device);
        byte[] after = File.ReadAllBytes(path);
        if (before is null || !before.AsSpan().SequenceEqual(after))
        {
            (_model as IDisposable)?.Dispose();
            throw new IOException($"{path}: the model file changed while it was being loaded");
        }
        Info = ModelInfo.Read(path, after);
        ModelPath = path;
        Classes = ClassesOf(_ml, _model);
        _session = new ModelSession(path, options.IntraOpThreads);
        _threshold = options.InDistributionThreshold ?? _session.Rule?.Threshold;
        _engines = new DefaultObjectPool<PredictionEngine<PixelInput, ScoreOutput>>(new EnginePolicy(_ml, _model),
            Environment.ProcessorCount * 4);
    }

    public static FashionClassifier Load(string modelPath, ClassifierOptions? options = null) =>
        new(modelPath, options ?? new ClassifierOptions());

    public string ModelPath { get; }

    /// <summary>
    /// What the model tells apart, in <see cref="Prediction.LabelIndex"/> and probability order: Fashion-MNIST's ten
    /// classes in their official order for a Fashion-MNIST model (whatever order it was trained in), else the model's
    /// own classes (a folder's labels) in its output order.
    /// </summary>
    public IReadOnlyList<string> Classes { get; }

    /// <summary>The loaded model's name, version (a hash of its bytes) and the metadata train wrote into it.</summary>
    public ModelInfo Info { get; }

    /// <summary>Null when scoring runs where asked; otherwise one line saying why not ("CUDA not available; scoring on CPU").</summary>
    public string? GpuStatus { get; }

    /// <summary>Classifies an image file (PNG, JPEG, BMP, …) of any size and colour.</summary>
    public Prediction Predict(string imagePath)
    {
        ArgumentNullException.ThrowIfNull(imagePath);
        return File.Exists(imagePath)
            ? Predict(File.ReadAllBytes(imagePath), Path.GetFileName(imagePath))
            : throw new FileNotFoundException($"{imagePath}: image file not found", imagePath);
    }

    public Prediction Predict(Stream image, string name = "image")
    {
        ArgumentNullException.ThrowIfNull(image);
        using var buffer = new MemoryStream();
        image.CopyTo(buffer);
        return Predict(buffer.ToArray(), name);
    }

    /// <summary>An encoded image (PNG, JPEG, …); 784 raw pixels go to <see cref="PredictPixels(ReadOnlySpan{byte})"/>.</summary>
    public Prediction Predict(byte[] encodedImage, string name = "image")
    {
        ArgumentNullException.ThrowIfNull(encodedImage);
        return Predict(ImagePreprocessor.Preprocess(encodedImage, name));
    }

    /// <summary>An image <see cref="ImagePreprocessor"/> made: its pixels, and "not a garment" when its source was blank or
    /// uniform.</summary>
    public Prediction Predict(GrayImage preprocessed)
    {
        ArgumentNullException.ThrowIfNull(preprocessed);
        Prediction p = PredictPixels(preprocessed.Pixels);
        return preprocessed.SourceHasForeground ? p : p with { IsKnownClass = false };
    }

    /// <summary>784 raw pixels (0..255, row-major, light garment on black) as in the data set.</summary>
    public Prediction PredictPixels(ReadOnlySpan<byte> pixels)
    {
        if (pixels.Length != FashionMnistSplit.ImageSize)
            throw new ArgumentException($"pixels: expected {FashionMnistSplit.ImageSize} values (28×28), received {pixels.Length}");
        // After Dispose the ONNX session is gone: ONNX Runtime would throw a NullReferenceException from inside.
        ObjectDisposedException.ThrowIf(_disposed, this);
        var engine = _engines.Get();
        try
        {
            var output = engine.Predict(new PixelInput { Pixels = pixels.ToArray() });
            int index = (int)output.PredictedLabel - 1;
            double score = InDistributionScoreOf(pixels);
            bool known = Foreground.HasGarmentForeground(pixels) && (_threshold is not double t || score >= t);
            return new Prediction(Classes[index], index, output.Score[index], output.Score)
            {
                InDistributionScore = score, IsKnownClass = known,
            };
        }
        finally
        {
            _engines.Return(engine);
        }
    }

    /// <summary>784 floats already scaled to [0, 1].</summary>
    public Prediction PredictPixels(ReadOnlySpan<float> scaled)
    {
        var bytes = new byte[scaled.Length];
        for (int i = 0; i < bytes.Length; i++) bytes[i] = (byte)Math.Round(Math.Clamp(scaled[i], 0, 1) * 255);
        return PredictPixels(bytes);
    }

    /// <summary>The score kind the model stores ("ood_score"); energy for a model without one.</summary>
    public InDistributionScoreKind InDistributionScoreKind => _session.Rule?.Score ?? ModelCalibration.DefaultLogitScore;

    /// <summary>The threshold in use: <see cref="ClassifierOptions.InDistributionThreshold"/>, else the model's; null: none (every image
    /// with a foreground is accepted).</summary>
    public double? InDistributionThreshold => _threshold;

    /// <summary>T of the model's calibrated softmax(logits / T) (its "temperature" metadata; 1 without).</summary>
    public double Temperature => _session.Temperature;

    private double InDistributionScoreOf(ReadOnlySpan<byte> pixels)
    {
        var scaled = new float[FashionMnistSplit.ImageSize];
        FashionMnistSplit.Scale(pixels, scaled);
        return InDistributionScore.FromLogits(InDistributionScoreKind)
            ? InDistributionScore.Of(InDistributionScoreKind, _session.Run(scaled, 1, OnnxExporter.LogitsName))
            : _session.Run(scaled, 1, OnnxExporter.InDistributionScoreName)[0];
    }

    public void Dispose()
    {
        _disposed = true;
        (_model as IDisposable)?.Dispose();
        _session.Dispose();
    }

    private volatile bool _disposed;

    /// <summary>The PredictedLabel key's values: the classes of the loaded model, in its score order.</summary>
    private static IReadOnlyList<string> ClassesOf(MLContext ml, ITransformer model)
    {
        var blank = ml.Data.LoadFromEnumerable(new[] { new PixelInput { Pixels = new byte[FashionMnistSplit.ImageSize] } });
        return LabelNames.Of(model.Transform(blank), "PredictedLabel");
    }

    /// <summary>The ML.NET input row: the Pixels column our models expect.</summary>
    public sealed class PixelInput
    {
        [VectorType(28, 28)]
        public byte[] Pixels { get; set; } = [];
    }

    public sealed class ScoreOutput
    {
        public float[] Score { get; set; } = [];
        public uint PredictedLabel { get; set; }
    }

    private sealed class EnginePolicy(MLContext ml, ITransformer model) : IPooledObjectPolicy<PredictionEngine<PixelInput, ScoreOutput>>
    {
        public PredictionEngine<PixelInput, ScoreOutput> Create() => ml.Model.CreatePredictionEngine<PixelInput, ScoreOutput>(model);
        public bool Return(PredictionEngine<PixelInput, ScoreOutput> engine) => true;
    }
}
