using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MlNetFashion.Scoring.Classification;

namespace MlNetFashion.Scoring.Hosting;

/// <summary>
/// The current classifier of a service, swapped for a new one when its model file is replaced (with
/// <see cref="FashionClassifierPoolOptions.WatchForChanges"/>) — the equivalent of ML.NET's PredictionEnginePool with
/// watchForChanges. Thread-safe; register it with <c>services.AddFashionClassifier(path, watchForChanges: true)</c>.
/// </summary>
public sealed class FashionClassifierPool : IDisposable
{
    private readonly FashionClassifierPoolOptions _options;
    private readonly ILogger _logger;
    private readonly Lock _reloading = new();
    private readonly FileSystemWatcher? _watcher;
    private readonly Timer? _debounce, _poll;
    private Generation _current;
    private string? _refusedVersion;
    private volatile bool _disposed;

    /// <summary>Loads and warms up the model; throws as <see cref="FashionClassifier.Load"/> does when it cannot.</summary>
    public FashionClassifierPool(FashionClassifierPoolOptions options, ILogger<FashionClassifierPool>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        // Checked before the model loads; a Timer refused them later, naming its own "dueTime".
        if (options.PollInterval is { } poll && poll <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(options), poll,
                $"{nameof(FashionClassifierPoolOptions.PollInterval)}: expected a positive time or null, received {poll}");
        if (options.ChangeDelay < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(options), options.ChangeDelay,
                $"{nameof(FashionClassifierPoolOptions.ChangeDelay)}: expected at least 0, received {options.ChangeDelay}");
        _options = options;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _current = new Generation(LoadWarm(), owned: true);
        if (!options.WatchForChanges) return;
        string full = Path.GetFullPath(options.ModelPath);
        _debounce = new Timer(_ => Reload());
        // The whole folder, not the file's name: a Kubernetes volume swaps a symlinked folder, and no event names the file.
        _watcher = new FileSystemWatcher(Path.GetDirectoryName(full)!)
        {
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size,
        };
        _watcher.Changed += (_, _) => Schedule();
        _watcher.Created += (_, _) => Schedule();
        _watcher.Renamed += (_, _) => Schedule();
        _watcher.Error += (_, _) => Schedule();
        _watcher.EnableRaisingEvents = true;
        if (options.PollInterval is TimeSpan every) _poll = new Timer(_ => Reload(), null, every, every);
    }

    /// <summary>A pool over a classifier the caller owns and disposes: no file watching, no swap.</summary>
    internal FashionClassifierPool(FashionClassifier classifier)
    {
        _options = new FashionClassifierPoolOptions { ModelPath = classifier.ModelPath };
        _logger = NullLogger.Instance;
        _current = new Generation(classifier, owned: false);
    }

    /// <summary>Raised after a new model was loaded, warmed up and swapped in.</summary>
    public event Action<ModelInfo>? ModelSwapped;

    /// <summary>Raised when a changed model file could not be loaded (the old model keeps serving).</summary>
    public event Action<string, Exception>? ModelRefused;

    public string ModelPath => _options.ModelPath;

    /// <summary>The model that new requests are scored with.</summary>
    public ModelInfo Info => Volatile.Read(ref _current).Classifier.Info;

    /// <summary>
    /// The current classifier, held until the lease is disposed: a request scores and reports one model from start to
    /// end even if another is swapped in meanwhile.
    /// </summary>
    public ClassifierLease Acquire()
    {
        while (true)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            Generation generation = Volatile.Read(ref _current);
            // Fails only when this generation was swapped out and its last lease returned since it was read: read again.
            if (generation.TryAddRef()) return new ClassifierLease(generation.Classifier, generation.Release);
        }
    }

    /// <inheritdoc cref="FashionClassifier.Predict(byte[], string)"/>
    public Prediction Predict(byte[] encodedImage, string name = "image")
    {
        using var lease = Acquire();
        return lease.Classifier.Predict(encodedImage, name);
    }

    /// <inheritdoc cref="FashionClassifier.PredictPixels(ReadOnlySpan{byte})"/>
    public Prediction PredictPixels(ReadOnlySpan<byte> pixels)
    {
        using var lease = Acquire();
        return lease.Classifier.PredictPixels(pixels);
    }

    /// <summary>
    /// Loads the model file now if its bytes differ from the current model's; true when a new model was swapped in.
    /// A file that fails to load is refused with one warning, once per version of its bytes.
    /// </summary>
    public bool Reload()
    {
        lock (_reloading)
        {
            if (_disposed) return false;
            string version;
            try
            {
                version = ModelInfo.VersionOf(File.ReadAllBytes(_options.ModelPath));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Missing for a moment (a rename in progress, a folder swap): the next event or poll looks again.
                return false;
            }
            if (version == Info.Version || version == _refusedVersion) return false;
            FashionClassifier next;
            try
            {
                next = LoadWarm();
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                _refusedVersion = version;
                _logger.LogWarning("model {Path} (version {Refused}) refused, still serving version {Version}: {Reason}",
                    _options.ModelPath, version, Info.Version, ex.Message.Split('\n')[0]);
                ModelRefused?.Invoke(_options.ModelPath, ex);
                return false;
            }
            _refusedVersion = null;
            Generation old = Interlocked.Exchange(ref _current, new Generation(next, owned: true));
            old.Release();
            _logger.LogInformation("model {Path} swapped in: version {Version} (was {Old})", _options.ModelPath, next.Info.Version,
                old.Classifier.Info.Version);
            ModelSwapped?.Invoke(next.Info);
            return true;
        }
    }

    public void Dispose()
    {
        lock (_reloading)
        {
            if (_disposed) return;
            _disposed = true;
        }
        _watcher?.Dispose();
        _debounce?.Dispose();
        _poll?.Dispose();
        _current.Release();
    }

    private void Schedule()
    {
        if (!_disposed) _debounce?.Change(_options.ChangeDelay, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Loads the model and scores a blank image twice, so the first request pays no JIT or session set-up.</summary>
    private FashionClassifier LoadWarm()
    {
        var classifier = FashionClassifier.Load(_options.ModelPath, _options.Classifier);
        try
        {
            var blank = new byte[28 * 28];
            for (int i = 0; i < 2; i++) classifier.PredictPixels(blank);
            return classifier;
        }
        catch
        {
            classifier.Dispose();
            throw;
        }
    }

    /// <summary>One loaded classifier and its holders: the pool (one reference until swapped out) and each lease.</summary>
    private sealed class Generation(FashionClassifier classifier, bool owned)
    {
        private int _references = 1;

        public FashionClassifier Classifier { get; } = classifier;

        public bool TryAddRef()
        {
            int seen;
            do
            {
                seen = Volatile.Read(ref _references);
                if (seen == 0) return false;
            }
            while (Interlocked.CompareExchange(ref _references, seen + 1, seen) != seen);
            return true;
        }

        public void Release()
        {
            if (Interlocked.Decrement(ref _references) == 0 && owned) Classifier.Dispose();
        }
    }
}
