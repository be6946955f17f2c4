using System.Numerics.Tensors;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Transforms.Onnx;
using MlNetFashion.Engine.Calibration;
using MlNetFashion.Pipeline;
using MlNetFashion.Pipeline.Data;
using MlNetFashion.Pipeline.Runs;
using MlNetFashion.Pipeline.Trainer;
using MlNetFashion.Scoring.Imaging;

namespace MlNetFashion.Scoring.Classification;

/// <summary>
/// Classifies garments with a trained model (model.onnx or model.zip) through ML.NET: pixels → ScalePixels → ONNX
/// transformer → probabilities and logits, one ONNX Runtime run per image. One instance is safe to share between
/// threads (a server): ML.NET's PredictionEngine is not, so engines are pooled and each call borrows one.
/// </summary>
public sealed partial class FashionClassifier : IDisposable
{
    private readonly MLContext _ml = new(seed: 1);
    private readonly ModelGraph _graph;
    private readonly EnginePool _engines;
    private readonly int[]? _outputOf;
    private readonly Lazy<ModelSession> _session;
    private readonly SessionOptionsSource _sessionOptions;
    private readonly double? _threshold;

    private FashionClassifier(string path, ClassifierOptions options, string? onnxProfilePrefix)
    {
        options.Validate();
        (int? device, string? message) = GpuSelection.Resolve(options.GpuDeviceId);
        GpuStatus = message;
        if (device is int id)
        {
            _ml.GpuDeviceId = id;
            _ml.FallbackToCpu = false;
        }
        _sessionOptions = new SessionOptionsSource(options.IntraOpThreads ?? Environment.ProcessorCount, onnxProfilePrefix);
        // The session options ML.NET's ONNX transformer uses; MLContext is the host environment they hang on.
        OnnxSessionOptionsExtensions.SetOnnxSessionOption((IHostEnvironment)_ml, _sessionOptions.ForMlNet());
        // The bytes read before and after loading must agree, so Info describes the model that was loaded even when
        // the file is replaced meanwhile (a hot swap): then loading fails and is tried again on the next change.
        byte[]? before = File.Exists(path) ? File.ReadAllBytes(path) : null;
        _graph = ModelFile.ReadGraph(_ml, path);
        byte[] after = File.ReadAllBytes(path);
        if (before is null || !before.AsSpan().SequenceEqual(after))
            throw new IOException($"{path}: the model file changed while it was being loaded");
        Info = ModelInfo.Read(path, after);
        ModelPath = path;
        Classes = _graph.Classes;
        OwnClasses = _graph.SpeaksOfOwnClasses;
        _outputOf = _graph.OutputOf;
        _threshold = options.InDistributionThreshold ?? _graph.InDistributionRule?.Threshold;
        InDistributionScoreKind = _graph.ScoreKind;
        Temperature = _graph.Temperature;
        _engines = new EnginePool(_ml, _graph, device);
        _session = new Lazy<ModelSession>(() =>
        {
            using var sessionOptions = _sessionOptions.ForOnnxRuntime();
            return new ModelSession(_graph, sessionOptions);
        });
    }

    public static FashionClassifier Load(string modelPath, ClassifierOptions? options = null) =>
        new(modelPath, options ?? new ClassifierOptions(), onnxProfilePrefix: null);

    /// <summary>
    /// <see cref="Load"/> with ONNX Runtime's profiling on in every session the classifier creates: each writes one JSON file
    /// named <paramref name="onnxProfilePrefix"/>… when it ends, with an event per run.
    /// </summary>
    internal static FashionClassifier LoadProfiled(string modelPath, ClassifierOptions options, string onnxProfilePrefix) =>
        new(modelPath, options, onnxProfilePrefix);

    public string ModelPath { get; }

    /// <summary>
    /// What the model tells apart, in <see cref="Prediction.LabelIndex"/> and probability order: Fashion-MNIST's ten
    /// classes in their official order for a Fashion-MNIST model (whatever order it was trained in), else the model's
    /// own classes (a folder's labels) in its output order.
    /// </summary>
    public IReadOnlyList<string> Classes { get; }

    /// <summary>
    /// True when <see cref="Classes"/> are not Fashion-MNIST's (a model.zip of the user's classes carries no
    /// own-classes mark, so the names decide): predictions then say "one of the classes", not "garment".
    /// </summary>
    public bool OwnClasses { get; }

    /// <summary>The loaded model's name, version (a hash of its bytes) and the metadata train wrote into it.</summary>
    public ModelInfo Info { get; }

    /// <summary>Null when scoring runs where asked; otherwise one line saying why not ("CUDA not available; scoring on CPU").</summary>
    public string? GpuStatus { get; }

    /// <summary>Classifies an image file (PNG, JPEG, BMP, …) of any size and colour.</summary>
    public Prediction Predict(string imagePath) => Predict(Preprocess(imagePath));

    /// <summary>An encoded image read from where the stream stands, up to <see cref="EncodedImage.MaxBytes"/>.</summary>
    public Prediction Predict(Stream image, string name = "image")
    {
        ArgumentNullException.ThrowIfNull(image);
        return Predict(EncodedImage.Read(image, name), name);
    }

    /// <summary>An encoded image (PNG, JPEG, …); 784 raw pixels go to <see cref="PredictPixels(ReadOnlySpan{byte})"/>.</summary>
    public Prediction Predict(byte[] encodedImage, string name = "image") => Predict(Preprocess(encodedImage, name));

    /// <summary>An image <see cref="ImagePreprocessor"/> made: its pixels, and "not a garment" when its source was blank or
    /// uniform.</summary>
    public Prediction Predict(GrayImage preprocessed)
    {
        ArgumentNullException.ThrowIfNull(preprocessed);
        return OfSource(PredictPixels(preprocessed.Pixels), preprocessed);
    }

    /// <summary>An image file's 28×28 pixels, the file named by its path when it is missing.</summary>
    private static GrayImage Preprocess(string imagePath)
    {
        ArgumentNullException.ThrowIfNull(imagePath);
        if (string.IsNullOrWhiteSpace(imagePath)) throw new ArgumentException($"image path: expected a file path, received '{imagePath}'");
        return File.Exists(imagePath)
            ? Preprocess(EncodedImage.ReadFile(imagePath, Path.GetFileName(imagePath)), Path.GetFileName(imagePath))
            : throw EncodedImage.NotFound(imagePath, imagePath);
    }

    private static GrayImage Preprocess(byte[] encodedImage, string name)
    {
        ArgumentNullException.ThrowIfNull(encodedImage);
        return ImagePreprocessor.Preprocess(encodedImage, name);
    }

    /// <summary><paramref name="prediction"/> of <paramref name="source"/>'s pixels, "not a garment" when the source was
    /// blank or uniform (nothing stood out from its background to classify).</summary>
    private static Prediction OfSource(Prediction prediction, GrayImage source) =>
        source.SourceHasForeground ? prediction : prediction with { IsKnownClass = false };

    /// <summary>784 raw pixels (0..255, row-major, light garment on black) as in the data set.</summary>
    public Prediction PredictPixels(ReadOnlySpan<byte> pixels)
    {
        if (pixels.Length != FashionMnistSplit.ImageSize)
            throw new ArgumentException($"pixels: expected {FashionMnistSplit.ImageSize} values (28×28), received {pixels.Length}");
        // After Dispose the ONNX session is gone: ONNX Runtime would throw a NullReferenceException from inside.
        ObjectDisposedException.ThrowIf(_disposed, this);
        EnginePool.NetworkOutput output = _engines.Run(pixels.ToArray());
        float[] probabilities = output.Probabilities;
        if (_outputOf is not null) CanonicalClassOrder.ReorderRows(_outputOf, probabilities);
        int index = TensorPrimitives.IndexOfMax(probabilities);
        // A graph without logits (not one our exporter writes): ln p stands in, as softmax(ln p) = p; max_probability stays
        // exact, energy and max_logit lose the per-image offset the softmax removes.
        float[] logits = output.Logits.Length == probabilities.Length ? output.Logits : [.. probabilities.Select(p => MathF.Log(p))];
        double score = InDistributionScore.FromLogits(InDistributionScoreKind)
            ? InDistributionScore.Of(InDistributionScoreKind, logits)
            : output.InDistributionScore[0];
        bool known = Foreground.HasGarmentForeground(pixels) && (_threshold is not double t || score >= t);
        return new Prediction(Classes[index], index, probabilities[index], probabilities)
        {
            InDistributionScore = score, IsKnownClass = known, OwnClasses = OwnClasses,
        };
    }

    /// <summary>784 floats already scaled to [0, 1] (pixels / 255); anything else throws an <see cref="ArgumentException"/>.</summary>
    public Prediction PredictPixels(ReadOnlySpan<float> scaled)
    {
        // Pixels of 0..255 passed as floats would all clamp to white and classify as something, without a word.
        int bad = scaled.IndexOfAnyExceptInRange(0f, 1f);
        if (bad >= 0)
            throw new ArgumentException($"scaled: expected values in [0, 1] (pixels / 255), found {scaled[bad]} at index {bad}; "
                + "0..255 pixels go to PredictPixels(ReadOnlySpan<byte>)");
        var bytes = new byte[scaled.Length];
        for (int i = 0; i < bytes.Length; i++) bytes[i] = (byte)Math.Round(scaled[i] * 255);
        return PredictPixels(bytes);
    }

    /// <summary>The score kind the model stores ("ood_score"); energy for a model without one.</summary>
    public InDistributionScoreKind InDistributionScoreKind { get; }

    /// <summary>The threshold in use: <see cref="ClassifierOptions.InDistributionThreshold"/>, else the model's; null: none (every image
    /// with a foreground is accepted).</summary>
    public double? InDistributionThreshold => _threshold;

    /// <summary>T of the model's calibrated softmax(logits / T) (its "temperature" metadata; 1 without).</summary>
    public double Temperature { get; }

    public void Dispose()
    {
        _disposed = true;
        _engines.Dispose();
        if (_session.IsValueCreated) _session.Value.Dispose();
    }

    private volatile bool _disposed;

    /// <summary>The ML.NET input row: the Pixels column our models expect.</summary>
    public sealed class PixelInput
    {
        [VectorType(28, 28)]
        public byte[] Pixels { get; set; } = [];
    }
}
