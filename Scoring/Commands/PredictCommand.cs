using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using MlNetFashion.CommandLine;
using MlNetFashion.Scoring.Classification;

namespace MlNetFashion.Scoring.Commands;

/// <summary>
/// predict --model FILE [--gpu N] [--json] IMAGE|FOLDER|-…: a table (or JSON) of file, label, confidence.
/// predict --model FILE --idx IMAGES [--labels LABELS] [--json]: batch scoring with accuracy and images/second (with
/// --json, also every image's prediction).
/// predict --model FILE (--idx IMAGES | FOLDER) --out FILE.csv|.jsonl [--resume]: streamed into a predictions file
/// (PredictToFile).
/// </summary>
public static class PredictCommand
{
    /// <summary>The image argument that stands for stdin, as in most Unix tools (curl … | predict --model m.onnx -).</summary>
    private const string StandardInput = "-";

    public static Command Create()
    {
        var model = ModelOption.Required("model.onnx or model.zip");
        var gpu = GpuOption.Create();
        var json = new Option<bool>("--json")
        {
            Description = "Print JSON instead of a table (with --idx: the figures and every image's prediction).",
        };
        var explain = new Option<bool>("--explain")
        {
            Description = "Also write what each prediction rests on beside the image: IMAGE.heat.json (28×28 numbers) and IMAGE.heat.png.",
        };
        var idx = new Option<string?>("--idx") { Description = "An IDX images file (.gz or raw) to score in batches." };
        var labels = new Option<string?>("--labels") { Description = "The IDX labels file matching --idx (prints accuracy)." };
        var images = new Argument<string[]>("images")
        {
            Description = "Image files (PNG, JPEG, BMP, …), or folders of them; - reads one image from stdin.",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var output = new Option<string?>("--out")
        {
            Description = "With --idx or one FOLDER (its subfolders too): write a row per image to this .csv or .jsonl file as it goes "
                + "(any number of images, bounded memory).",
        };
        var resume = new Option<bool>("--resume")
        {
            Description = "With --out: continue the rows a stopped or killed run wrote (same model and input, checked).",
        };
        var command = new Command("predict", "Classify images, or score an IDX file.")
        {
            model, gpu, json, explain, idx, labels, images, output, resume,
        };
        // One validator: System.CommandLine skips an argument's own validators once a command validator has read its value
        // (dotnet/command-line-api#2607).
        command.Validators.Add(result =>
        {
            string[] given = result.GetValue(images) ?? [];
            // Worded as the runner words an unknown option in the other verbs.
            if (given.FirstOrDefault(ImageArguments.LooksLikeOption) is { } option)
                result.AddError($"unrecognized option '{option}'");
            // The two forms do not mix: one would be silently dropped.
            else if (result.GetValue(idx) is not null && given.Length > 0)
            {
                string more = given.Length > 1 ? $" and {given.Length - 1} more" : "";
                result.AddError(
                    $"--idx cannot be combined with image arguments (received {given[0]}{more}): score images or an IDX file, not both");
            }
            else if (given.Count(g => g == StandardInput) > 1)
                result.AddError("- (stdin) can be given once: it holds one image");
            else if (result.GetValue(explain) && given.Contains(StandardInput))
                result.AddError("--explain cannot be combined with - (stdin): it writes files beside each image");
            else if (result.GetValue(explain) && result.GetValue(idx) is not null)
                result.AddError("--explain cannot be combined with --idx: it explains image files");
            else if (result.GetValue(labels) is not null && result.GetValue(idx) is null)
                result.AddError("--labels requires --idx: they are the labels of the IDX images file it scores");
            else if (result.GetValue(output) is not null && result.GetValue(idx) is null && !(given is [var one] && Directory.Exists(one)))
                result.AddError(given.Length == 0 ? "--out requires --idx FILE or one FOLDER: it holds their predictions"
                    : $"--out takes --idx FILE or one FOLDER of images, received {given.Length} argument(s) starting with {given[0]}");
            else if (result.GetValue(output) is not null && result.GetValue(explain))
                result.AddError("--explain cannot be combined with --out: it writes files beside each image");
            else if (result.GetValue(output) is not null && (result.GetValue(labels) is not null || result.GetValue(json)))
                result.AddError("--out writes the predictions themselves: it does not combine with --labels or --json");
            else if (result.GetValue(resume) && result.GetValue(output) is null)
                result.AddError("--resume requires --out: it continues that file");
        });
        command.SetAction(parse =>
        {
            string modelPath = parse.GetValue(model)!;
            string? idxPath = parse.GetValue(idx);
            if (parse.GetValue(output) is { } outPath)
            {
                return idxPath is not null
                    ? PredictToFile.Run(modelPath, PredictionInputKind.Idx, idxPath, outPath, parse.GetValue(resume), parse.GetValue(gpu))
                    : PredictToFile.Run(modelPath, PredictionInputKind.Folder, parse.GetValue(images)![0], outPath, parse.GetValue(resume),
                        parse.GetValue(gpu));
            }
            (string[] files, string[] warnings) = ImageArguments.Expand(parse.GetValue(images) ?? []);
            foreach (string warning in warnings) Console.Error.WriteLine(warning);
            if (idxPath is null && files.Length == 0)
                throw new ArgumentException("predict: expected image files or --idx FILE, received neither");
            if (idxPath is not null)
                return ScoreIdx(modelPath, idxPath, parse.GetValue(labels), parse.GetValue(gpu), parse.GetValue(json));
            using var classifier = FashionClassifier.Load(modelPath, new ClassifierOptions { GpuDeviceId = parse.GetValue(gpu) });
            if (classifier.GpuStatus is not null) Console.Error.WriteLine(classifier.GpuStatus);
            bool explaining = parse.GetValue(explain);
            Prediction PredictOne(string f) => f == StandardInput ? classifier.Predict(Console.OpenStandardInput(), "stdin")
                : explaining ? ExplainBeside(classifier, f) : classifier.Predict(f);
            ImageOutcome<Prediction>[] outcomes = ImageArguments.EachImage(files, PredictOne, f => f == StandardInput ? "stdin" : f);
            if (parse.GetValue(json)) Console.WriteLine(PredictionJson.Serialize(outcomes.Select(o => (o.File, o.Value, o.Error))));
            else if (outcomes.Any(o => o.Value is not null))
            {
                int width = Math.Max(4, outcomes.Max(o => o.File.Length));
                Console.WriteLine($"{"file".PadRight(width)}  {"label",-12} confidence  verdict");
                foreach (var (file, p, _) in outcomes)
                    if (p is not null)
                        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"{file.PadRight(width)}  {p.Label,-12} {p.Confidence,9:P1}   {p.Verdict}"));
            }
            return ImageArguments.ReportErrors(outcomes);
        });
        return command;
    }

    /// <summary>The prediction, after writing IMAGE.heat.json and IMAGE.heat.png beside the image (each atomically).</summary>
    private static Prediction ExplainBeside(FashionClassifier classifier, string file)
    {
        Explanation e = classifier.Explain(file);
        string stem = file + ".heat";
        Engine.IO.AtomicFile.WriteAllText(stem + ".json", JsonSerializer.Serialize(PredictionJson.HeatMap(e)));
        Engine.IO.AtomicFile.WriteAllBytes(stem + ".png", Imaging.HeatMapImage.EncodePng(e.Input, e.Heat));
        return e.Prediction;
    }

    private static int ScoreIdx(string modelPath, string idxPath, string? labelsPath, int? gpu, bool json)
    {
        (int? device, string? message) = GpuSelection.Resolve(gpu);
        if (message is not null) Console.Error.WriteLine(message);
        using var scorer = BatchScorer.Load(modelPath, device);
        BatchScorer.Result result = scorer.ScoreIdx(idxPath, labelsPath);
        if (json)
        {
            Console.WriteLine(PredictionJson.SerializeIdx(result));
            return 0;
        }
        var c = CultureInfo.InvariantCulture;
        string rate = string.Create(c, $"{result.ImagesPerSecond:N0} images/second");
        Console.WriteLine(string.Create(c, $"{result.Count:N0} images in {result.Seconds:F2} s: {rate}"));
        if (result.Accuracy is double accuracy) Console.WriteLine(string.Create(c, $"accuracy {accuracy:P2}"));
        return 0;
    }
}
