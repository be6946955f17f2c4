using MlNetFashion.Pipeline.Data;
using MlNetFashion.Tests.Shared;

namespace MlNetFashion.Training.Tests.Commands;

/// <summary>
/// Every bad input through the real command line: exit code 1, exactly one line on stderr naming the thing, no stack
/// trace, and nothing written to --out.
/// </summary>
public sealed class BadInputTests() : TempFolderTests("bad-input-")
{
    public static TheoryData<string> Cases => new(CaseNames);
    private static readonly string[] CaseNames =
    [
        "truncated-images", "corrupt-gzip", "wrong-magic", "count-mismatch", "label-out-of-range", "empty-file", "missing-directory",
        "unknown-preset", "malformed-spec", "spec-bad-field", "epochs-zero", "negative-lr", "diverging-lr", "model-not-onnx",
        "model-missing", "model-truncated", "model-wrong-input", "evaluate-limit-negative", "evaluate-limit-zero", "batch-too-large",
        "evaluate-on-bad-image-without-images", "validation-fraction-nan", "cv-validation-fraction-nan",
        "evaluate-model-blank", "init-from-blank", "spec-crop-padding-past-the-image",
        "summary-spec-dense-too-large", "summary-spec-input-too-large",
        "fetch-bad-url", "fetch-folder-under-a-file",
        "train-out-under-a-file", "cv-out-under-a-file", "cv-more-folds-than-images", "model-zip-not-a-zip",
        "spec-output-not-ten-classes", "spec-input-not-one-plane", "spec-unknown-key",
        "summary-spec-output-not-ten-classes", "summary-spec-is-a-folder", "summary-spec-input-not-one-plane",
    ];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Command_BadInput_OneClearLineNonZeroExitNothingWritten(string name)
    {
        string outDir = Path.Combine(Folder, "out");
        (string[] args, string mustName) = Arrange(name, outDir);
        var (exit, _, error) = Cli.Run(args);
        Assert.Contains(mustName, ConsoleCapture.ErrorLine(exit, error));
        Assert.False(Directory.Exists(outDir) && Directory.EnumerateFiles(outDir, "*", SearchOption.AllDirectories).Any(),
            "nothing may be written");
    }

    [Theory]
    [InlineData("train --epochs abc", "error: --epochs: expected an integer, received \"abc\" (see 'train --help')")]
    [InlineData("train --seed -1", "error: --seed: expected a whole number ≥ 0, received \"-1\" (see 'train --help')")]
    [InlineData("train --lr fast", "error: --lr: expected a number, received \"fast\" (see 'train --help')")]
    [InlineData("cv --bogus", "error: unrecognized option '--bogus' (see 'cv --help')")]
    [InlineData("evaluate", "error: Option '--model' is required (see 'evaluate --help')")]
    [InlineData("bogus", "error: unknown command 'bogus': expected train, summary, bench, evaluate, cv, data (see '--help')")]
    [InlineData("data fech", "error: unknown command 'fech' for data: expected fetch (see 'data --help')")]
    [InlineData("data", "error: data: expected a command: fetch (see 'data --help')")]
    [InlineData("--epochs 3",
        "error: unrecognized option '--epochs': expected a command: train, summary, bench, evaluate, cv, data (see '--help')")]
    [InlineData("train extra", "error: unexpected argument 'extra' (see 'train --help')")]
    [InlineData("data fetch --bogus", "error: unrecognized option '--bogus' (see 'data fetch --help')")]
    [InlineData("bench --threads 0", "error: --threads: expected at least 1, received 0 (see 'bench --help')")]
    [InlineData("train --threads -2", "error: --threads: expected at least 1, received -2 (see 'train --help')")]
    public void ParseError_OneLineNamingTheOptionAndNoHelpText(string command, string expected)
    {
        Assert.Equal(expected, Cli.Refusal(command.Split(' ')));
    }

    [Theory]
    [InlineData("--data-dir", "train")]
    [InlineData("--data-dir", "evaluate", "--model", "absent.onnx")]
    [InlineData("--data-dir", "cv", "--folds", "2")]
    [InlineData("--data-dir", "data", "fetch")]
    [InlineData("--out", "train")]
    [InlineData("--out", "cv", "--folds", "2")]
    [InlineData("--images", "train")]
    public void FolderOptionEmpty_OneLineNamingTheOption(string option, params string[] command)
    {
        // An empty folder name is a mistake, not "the usual places" that an absent --data-dir means.
        Assert.Equal($"error: {option}: expected a folder, received '' (see " +
            $"'{string.Join(' ', command.TakeWhile(a => !a.StartsWith('-')))} --help')", Cli.Refusal([.. command, option, ""]));
    }

    /// <summary>The opening of a spec: a net that fits Fashion-MNIST (Flatten, Dense 10) without the closing brace.</summary>
    private const string Dense10 = """{"layers": [ {"type": "Flatten"}, {"type": "Dense", "units": 10} ]""";
    private const string Dense7 = """{"layers": [ {"type": "Flatten"}, {"type": "Dense", "units": 7} ]""";

    private (string[] Args, string MustName) Arrange(string name, string outDir)
    {
        string Data() => Cli.DataCopy(Folder);
        string[] Train(string dir, params string[] more) =>
            ["train", "--data-dir", dir, "--out", outDir, "--epochs", "1", "--limit-train", "200", "--limit-test", "100", .. more];
        // A model spec written into the test's folder: its path.
        string Spec(string file, string json)
        {
            string path = Path.Combine(Folder, file);
            File.WriteAllText(path, json);
            return path;
        }
        string Raw(string dir, string file)
        {
            string gz = Path.Combine(dir, file + ".gz");
            byte[] content = IdxReader.Read(gz, file.Contains("images") ? IdxFile.ImagesMagic : IdxFile.LabelsMagic) is { } f
                ? Rebuild(f, file) : [];
            File.Delete(gz);
            string path = Path.Combine(dir, file);
            File.WriteAllBytes(path, content);
            return path;
        }
        switch (name)
        {
            case "truncated-images":
            {
                string dir = Data();
                string path = Raw(dir, "train-images-idx3-ubyte");
                using (var f = new FileStream(path, FileMode.Open)) f.SetLength(100_000);
                return (Train(dir), "train-images-idx3-ubyte: expected 47,040,016 bytes");
            }
            case "corrupt-gzip":
            {
                string dir = Data();
                string path = Path.Combine(dir, "t10k-labels-idx1-ubyte.gz");
                byte[] bytes = File.ReadAllBytes(path);
                File.WriteAllBytes(path, bytes[..(bytes.Length - 10)]);
                return (Train(dir), "t10k-labels-idx1-ubyte.gz: corrupt or truncated gzip");
            }
            case "wrong-magic":
            {
                string dir = Data();
                string path = Raw(dir, "train-labels-idx1-ubyte");
                byte[] bytes = File.ReadAllBytes(path);
                bytes[3] = 0x03;
                File.WriteAllBytes(path, bytes);
                return (Train(dir), "train-labels-idx1-ubyte: expected IDX magic");
            }
            case "count-mismatch":
            {
                string dir = Data();
                File.Delete(Path.Combine(dir, "t10k-labels-idx1-ubyte.gz"));
                IdxWriter.WriteLabels(Path.Combine(dir, "t10k-labels-idx1-ubyte"), new byte[9_999]);
                return (Train(dir), "t10k-labels-idx1-ubyte: expected 10,000 labels");
            }
            case "label-out-of-range":
            {
                string dir = Data();
                File.Delete(Path.Combine(dir, "t10k-labels-idx1-ubyte.gz"));
                var labels = new byte[10_000];
                labels[42] = 12;
                IdxWriter.WriteLabels(Path.Combine(dir, "t10k-labels-idx1-ubyte"), labels);
                return (Train(dir), "label 12 at index 42 is outside 0..9");
            }
            case "empty-file":
            {
                string dir = Data();
                File.Delete(Path.Combine(dir, "train-labels-idx1-ubyte.gz"));
                File.WriteAllBytes(Path.Combine(dir, "train-labels-idx1-ubyte"), []);
                return (Train(dir), "train-labels-idx1-ubyte: the file is empty");
            }
            case "missing-directory":
                return (Train(Path.Combine(Folder, "nowhere")), "nowhere: the folder does not exist");
            case "unknown-preset":
                return (["train", "--preset", "seed999", "--out", outDir], "seed999");
            case "malformed-spec":
                return (["train", "--model-spec", Spec("model.json", """{"layers": [ {"type": "Conv2D", """), "--out", outDir],
                    "model.json: malformed JSON");
            case "spec-bad-field":
                return (["train", "--model-spec", Spec("model.json", """{"layers": [ {"type": "Conv2D", "filters": "abc"} ]}"""),
                    "--out", outDir], "$.layers[0].filters: expected a positive integer, received \"abc\"");
            case "spec-crop-padding-past-the-image":
                // It said "Specified argument was out of the range of valid values." after reading the data.
                return (["train", "--model-spec", Spec("model.json", Dense10 + """, "training": {"cropPadding": 100}}"""), "--out", outDir],
                    "crop padding: expected less than the image's side (28).");
            case "summary-spec-dense-too-large":
                // It crashed with an OverflowException and a stack trace: the kernel's size wrapped as an int.
                return (["summary", "--model-spec", Spec("model.json",
                    """{"layers": [ {"type": "Flatten"}, {"type": "Dense", "units": 2000000000}, {"type": "Dense", "units": 10} ]}""")],
                    "Dense 'dense_1' (input (784)) cannot allocate its buffers ((2000000000, 784) is");
            case "summary-spec-input-too-large":
                return (["summary", "--model-spec", Spec("model.json", """{"input": [1, 100000, 100000], """ + Dense10[1..] + "}")],
                    "model.json: $.input: (1, 100000, 100000) is 10,000,000,000 floats, more than one tensor holds (2,147,483,591)");
            case "summary-spec-is-a-folder":
                // It said "cannot read the model spec (Access to the path '…' is denied.)".
                return (["summary", "--model-spec", Folder], $"{Folder}: is a folder; expected a model spec JSON file");
            case "spec-output-not-ten-classes":
                // Seven outputs for ten classes: refused before training, not deep inside the loss.
                return (Train(Data(), "--model-spec", Spec("seven.json", Dense7 + "}")),
                    "seven.json: the model ends in (7); expected 10 values, one per class");
            case "spec-input-not-one-plane":
                return (Train(Data(), "--model-spec", Spec("rgb.json", """{"input": [3, 28, 28], """ + Dense10[1..] + "}")),
                    "rgb.json: the model takes input (3, 28, 28); Fashion-MNIST images are (1, 28, 28)");
            case "summary-spec-output-not-ten-classes":
                // summary printed the table of a net train refuses.
                return (["summary", "--model-spec", Spec("seven.json", Dense7 + "}")],
                    "seven.json: the model ends in (7); expected 10 values, one per class");
            case "summary-spec-input-not-one-plane":
                return (["summary", "--model-spec", Spec("rgb.json", """{"input": [3, 28, 28], """ + Dense10[1..] + "}")],
                    "rgb.json: the model takes input (3, 28, 28); Fashion-MNIST images are (1, 28, 28)");
            case "spec-unknown-key":
                // Misspelt keys must be refused: ignoring them would silently train with the defaults.
                return (Train(Data(), "--model-spec", Spec("tiny.json", Dense10 + """, "training": {"epoch": 1, "batchsize": 7}}""")),
                    "tiny.json: $.training.epoch: unknown key (expected epochs, batchSize, ");
            case "epochs-zero":
                return (["train", "--epochs", "0", "--out", outDir], "--epochs: expected at least 1");
            case "negative-lr":
                return (["train", "--lr", "-1", "--out", outDir], "--lr: expected a positive number");
            case "diverging-lr":
                // The engine words its advice for every caller; the command line names its own option.
                return (Train(Data(), "--preset", "seed004", "--lr", "1e30"), "); try a lower learning rate (--lr)");
            case "model-not-onnx":
            {
                string model = Path.Combine(Folder, "notes.onnx");
                File.WriteAllText(model, "just text");
                return (["evaluate", "--model", model], "notes.onnx: not a valid ONNX model");
            }
            case "model-missing":
                return (["evaluate", "--model", Path.Combine(Folder, "absent.onnx")], "absent.onnx: model file not found");
            case "model-truncated":
            {
                string model = Path.Combine(Folder, "cut.onnx");
                byte[] onnx = TinyModels.Onnx();
                File.WriteAllBytes(model, onnx[..(onnx.Length / 2)]);
                return (["evaluate", "--model", model], "cut.onnx: not a valid ONNX model");
            }
            case "model-wrong-input":
            {
                string model = Path.Combine(Folder, "wide.onnx");
                File.WriteAllBytes(model, TinyModels.Onnx(new Engine.Tensors.Shape(1, 32, 32)));
                return (["evaluate", "--model", model],
                    "wide.onnx: expected an input 'input' of shape [N, 1, 28, 28], found 'input' [N, 1, 32, 32]");
            }
            case "evaluate-limit-negative":
                return (["evaluate", "--model", Path.Combine(Folder, "absent.onnx"), "--limit-test", "-1"],
                    "--limit-test: expected at least 1, received -1");
            case "evaluate-limit-zero":
                return (["evaluate", "--model", Path.Combine(Folder, "absent.onnx"), "--limit-test", "0"],
                    "--limit-test: expected at least 1, received 0");
            // NaN passed "< 0 or >= 1": the run read the data and stopped on System.Text.Json's "cannot be written as valid JSON".
            case "validation-fraction-nan":
                return (["train", "--validation-fraction", "nan", "--out", outDir],
                    "--validation-fraction: expected a value in [0, 1), received NaN");
            case "cv-validation-fraction-nan":
                return (["cv", "--folds", "2", "--validation-fraction", "nan", "--out", outDir],
                    "--validation-fraction: expected a value in [0, 1), received NaN");
            // It said "expected a folder", for a file.
            case "init-from-blank":
                return (["train", "--init-from", " ", "--out", outDir], "error: --init-from: expected a model.onnx or .ckpt file");
            case "evaluate-model-blank": return (["evaluate", "--model", ""], "error: --model: expected a model file, received ''");
            case "evaluate-on-bad-image-without-images":
                return (["evaluate", "--model", Path.Combine(Folder, "absent.onnx"), "--on-bad-image", "skip"],
                    "--on-bad-image: expected --images too");
            case "batch-too-large":
                // All 60,000 images in one batch: the best net's first convolution alone would hold 60,000 × 48 × 28 × 28
                // = 2.26 billion floats, past the 2³¹ an array holds (a batch above the training set's size is clamped to it).
                return (["train", "--data-dir", Data(), "--out", outDir, "--preset", "best", "--epochs", "1", "--limit-test", "100",
                    "--batch-size", "60000"],
                    "batch size 60,000: Conv2D 'conv2d_1'");
            case "fetch-bad-url":
                return (["data", "fetch", "--data-dir", Path.Combine(Folder, "fetched"), "--base-url", "notaurl"],
                    "--base-url notaurl: expected an http:// or https:// URL");
            case "fetch-folder-under-a-file":
            {
                string file = Path.Combine(Folder, "plain.txt");
                File.WriteAllText(file, "a file, not a folder");
                return (["data", "fetch", "--data-dir", Path.Combine(file, "data"), "--base-url", "http://127.0.0.1:9/"],
                    $"{Path.Combine(file, "data")}: cannot create the folder");
            }
            case "train-out-under-a-file":
            case "cv-out-under-a-file":
            {
                // Checked before training: a best run took an hour before failing at its first write ("Could not find file").
                string file = Path.Combine(Folder, "plain.txt");
                File.WriteAllText(file, "a file, not a folder");
                string under = Path.Combine(file, "out");
                string[] args = name.StartsWith("train", StringComparison.Ordinal)
                    ? ["train", "--data-dir", Data(), "--out", under, "--epochs", "1", "--limit-train", "200", "--limit-test", "100"]
                    : ["cv", "--data-dir", Data(), "--out", under, "--folds", "2", "--epochs", "1", "--limit-train", "200"];
                return (args, $"{under}: cannot create the folder");
            }
            case "model-zip-not-a-zip":
            {
                string model = Path.Combine(Folder, "model.zip");
                File.WriteAllBytes(model, [.. Enumerable.Range(0, 1000).Select(i => (byte)(i * 37 + 11))]);
                return (["evaluate", "--model", model], "model.zip: not a zip archive, so not an ML.NET model");
            }
            case "cv-more-folds-than-images":
                return (["cv", "--data-dir", Data(), "--out", outDir, "--folds", "40", "--epochs", "1", "--limit-train", "30"],
                    "--folds: expected at most 30 (one image per fold), received 40");
            default:
                throw new ArgumentException(name);
        }
    }

    private static byte[] Rebuild(IdxFile file, string name)
    {
        string temp = Path.Combine(Path.GetTempPath(), $"{name}-{Guid.NewGuid():N}");
        IdxWriter.Write(temp, name.Contains("images") ? IdxFile.ImagesMagic : IdxFile.LabelsMagic, file.Dimensions, file.Data, gzip: false);
        byte[] bytes = File.ReadAllBytes(temp);
        File.Delete(temp);
        return bytes;
    }
}
