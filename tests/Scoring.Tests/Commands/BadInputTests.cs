using MlNetFashion.Scoring.Tests.Imaging;
using MlNetFashion.Tests.Shared;
using SkiaSharp;

namespace MlNetFashion.Scoring.Tests.Commands;

/// <summary>Bad inputs through the scoring app's real entry point: exit 1, one line naming the file, no stack trace.</summary>
public sealed class BadInputTests() : TempFolderTests("scoring-bad-")
{
    // A port something already listens on (for urls-port-in-use).
    private readonly System.Net.Sockets.TcpListener _busy = StartListener();
    private int BusyPort => ((System.Net.IPEndPoint)_busy.LocalEndpoint).Port;

    private static System.Net.Sockets.TcpListener StartListener()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return listener;
    }

    public override void Dispose()
    {
        _busy.Stop();
        base.Dispose();
    }

    public static TheoryData<string> Cases => new(
        "truncated-png", "not-an-image", "absurd-dimensions", "missing-image", "model-not-onnx", "model-truncated", "model-wrong-input",
        "no-images", "model-is-a-folder", "bench-zero-images", "images-not-a-number", "urls-malformed", "urls-malformed-before-the-model",
        "urls-port-in-use", "urls-address-not-on-this-machine", "urls-empty", "urls-https", "urls-port-out-of-range",
        "urls-free-port-on-localhost", "gpu-negative-predict", "gpu-negative-serve", "samples-out-under-a-file", "log-format-number",
        "log-format-unknown", "model-blank-predict", "model-blank-serve", "image-over-the-bound", "heic-photo");

    [Theory]
    [MemberData(nameof(Cases))]
    public void BadInput_OneClearLineAndExitOne(string name)
    {
        string good = TrainedModel.Onnx;
        (string[] Args, string MustName) testCase = name switch
        {
            "truncated-png" => (new[] { "predict", "--model", good, Write("cut.png", Half(Png(64, 64))) }, "cut.png:"),
            "not-an-image" => (new[] { "predict", "--model", good, Write("notes.txt", "hello"u8.ToArray()) }, "notes.txt: not an image"),
            "absurd-dimensions" => (new[] { "predict", "--model", good, Write("wide.png", TestImages.PngClaiming(60_000, 2_000)) },
                "wide.png: expected at most 50 megapixels, received 60000×2000 (120 megapixels)"),
            "missing-image" =>
                (new[] { "predict", "--model", good, Path.Combine(Folder, "nope.png") },
                $"error: {Path.Combine(Folder, "nope.png")}: image file not found"),
            "model-not-onnx" =>
                (new[] { "predict", "--model", Write("m.onnx", "text"u8.ToArray()), Write("ok.png", Png(28, 28)) },
                "m.onnx: not a valid ONNX model"),
            "model-truncated" =>
                (new[] { "predict", "--model", Write("half.onnx", File.ReadAllBytes(good)[..5000]), Write("ok.png", Png(28, 28)) },
                "half.onnx: not a valid ONNX model"),
            "model-wrong-input" =>
                (new[] { "predict", "--model", Write("w.onnx", WrongShape()), Write("ok.png", Png(28, 28)) },
                "w.onnx: expected an input 'input' of shape [N, 1, 28, 28]"),
            "no-images" => (new[] { "predict", "--model", good }, "expected image files or --idx FILE"),
            "model-is-a-folder" => (new[] { "predict", "--model", Folder, Write("ok.png", Png(28, 28)) }, "model file not found"),
            "bench-zero-images" =>
                (new[] { "bench", "--model", good, "--images", "0" }, "--images: expected a positive number of images, received 0"),
            "images-not-a-number" =>
                (new[] { "bench", "--model", good, "--images", "many" },
                "error: --images: expected an integer, received \"many\" (see 'bench --help')"),
            "urls-malformed" => (new[] { "serve", "--model", good, "--urls", "notaurl" }, "error: --urls notaurl: Invalid url"),
            // Checked before the model is read (it was reported only after loading the model).
            "urls-malformed-before-the-model" =>
                (new[] { "serve", "--model", Path.Combine(Folder, "nope.onnx"), "--urls", "notaurl" },
                "error: --urls notaurl: Invalid url"),
            "samples-out-under-a-file" =>
                (new[] { "export-samples", "--out", Path.Combine(Write("plain.txt", "a file"u8.ToArray()), "samples") },
                $"{Path.Combine(Folder, "plain.txt", "samples")}: cannot create the folder"),
            // It said "Dynamic port binding is not supported when binding to localhost…", after loading the model.
            "urls-free-port-on-localhost" =>
                (new[] { "serve", "--model", Path.Combine(Folder, "nope.onnx"), "--urls", "http://localhost:0" },
                "error: --urls: port 0 (a free port) needs an IP address, such as http://127.0.0.1:0; received 'http://localhost:0'"),
            "urls-port-out-of-range" =>
                (new[] { "serve", "--model", good, "--urls", "http://127.0.0.1:99999" },
                "error: --urls: port 99999 is out of range (0–65535) in 'http://127.0.0.1:99999'"),
            "gpu-negative-predict" =>
                (new[] { "predict", "--model", good, "--gpu", "-1", Write("ok.png", Png(28, 28)) },
                "error: --gpu: expected a device id ≥ 0, received -1 (see 'predict --help')"),
            // With a bad --urls too: a serve that took -1 fails on it instead of listening until killed.
            "gpu-negative-serve" =>
                (new[] { "serve", "--model", good, "--gpu", "-1", "--urls", "notaurl" },
                "error: --gpu: expected a device id ≥ 0, received -1 (see 'serve --help')"),
            "urls-port-in-use" =>
                (new[] { "serve", "--model", good, "--urls", $"http://127.0.0.1:{BusyPort}" },
                $"error: --urls http://127.0.0.1:{BusyPort}: Failed to bind"),
            // 192.0.2.1 (TEST-NET-1) is no interface's address: Kestrel's bind fails with a bare SocketException.
            "urls-address-not-on-this-machine" =>
                (new[] { "serve", "--model", good, "--urls", "http://192.0.2.1:5099" }, "error: --urls http://192.0.2.1:5099: "),
            // Model missing too: a serve that took "" listens on localhost:5000 (Kestrel's default) instead of failing.
            "urls-empty" =>
                (new[] { "serve", "--model", Path.Combine(Folder, "nope.onnx"), "--urls", "" },
                "error: --urls: expected an address such as http://127.0.0.1:5080, received ''"),
            "urls-https" =>
                (new[] { "serve", "--model", good, "--urls", "https://127.0.0.1:0" },
                "error: --urls: expected http:// addresses (serve has no TLS: put a TLS proxy in front for https), received " +
                "'https://127.0.0.1:0'"),
            // A number was taken as a format no member has, and serve started.
            "log-format-number" =>
                (new[] { "serve", "--model", good, "--log-format", "7" },
                "error: --log-format: expected text or json, received \"7\" (see 'serve --help')"),
            "log-format-unknown" =>
                (new[] { "serve", "--model", good, "--log-format", "xml" },
                "error: --log-format: expected text or json, received \"xml\" (see 'serve --help')"),
            // An unset variable in a script (--model "$MODEL"): it said ": model file not found".
            "model-blank-predict" =>
                (new[] { "predict", "--model", "", Write("ok.png", Png(28, 28)) }, "error: --model: expected a model file, received ''"),
            "model-blank-serve" =>
                (new[] { "serve", "--model", " ", "--urls", "notaurl" }, "error: --model: expected a model file, received ' '"),
            // A 3 GB file: it said "The file is too long. This operation is currently limited to …", naming nothing.
            "image-over-the-bound" =>
                (new[] { "predict", "--model", good, Sparse("video.jpg", 3L << 30) },
                $"error: {Path.Combine(Folder, "video.jpg")}: expected an image of at most 256 MB, received 3,072 MB"),
            "heic-photo" =>
                (new[] { "predict", "--model", good, Write("IMG_0001.HEIC", EncodedImageTests.Heic) },
                $"error: {Path.Combine(Folder, "IMG_0001.HEIC")}: the HEIC format cannot be decoded here (PNG, JPEG, BMP, GIF or "
                + "WebP expected;"),
            _ => throw new ArgumentException(name),
        };
        (string[] args, string mustName) = testCase;
        var (exit, output, error) = Cli.Run(args);
        Assert.Contains(mustName, ConsoleCapture.ErrorLine(exit, error));
        Assert.DoesNotContain("   at ", output);
    }

    private string Write(string name, byte[] bytes)
    {
        string path = Path.Combine(Folder, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>A file of <paramref name="length"/> bytes that takes no room (sparse): only its size matters.</summary>
    private string Sparse(string name, long length)
    {
        string path = Path.Combine(Folder, name);
        using var file = File.Create(path);
        file.SetLength(length);
        return path;
    }

    private static byte[] Half(byte[] bytes) => bytes[..(bytes.Length / 2)];

    private static byte[] Png(int w, int h) => ImagePreprocessorTests.Encode(w, h, (x, y) => new SKColor((byte)x, (byte)y, 0));

    private static byte[] WrongShape()
    {
        var model = new Engine.Models.Sequential(new Engine.Tensors.Shape(1, 32, 32))
            .Add(new Engine.Layers.Core.Flatten()).Add(new Engine.Layers.Core.Dense(10));
        model.Build(1, new Engine.Tensors.EngineRandom(1));
        return Engine.Onnx.OnnxExporter.Export(model);
    }
}
