using System.CommandLine;
using MlNetFashion.Scoring.Imaging;

namespace MlNetFashion.Scoring.Commands;

/// <summary>
/// prepare --out DIR IMAGE|FOLDER…: writes each image as every model here sees it, the 28×28 grayscale PNG
/// <see cref="ImagePreprocessor"/> makes of it (a light garment on black), as DIR/NAME.png for NAME the image's file name
/// without its extension.
/// model.onnx takes those pixels / 255 in any runtime; the photo preprocessing itself is .NET code, not part of the graph.
/// </summary>
public static class PrepareCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--out") { Description = "Folder for the 28×28 PNGs (made if missing).", Required = true };
        var images = new Argument<string[]>("images")
        {
            Description = "Image files (PNG, JPEG, BMP, …), or folders of them.",
            Arity = ArgumentArity.OneOrMore,
        };
        var command = new Command("prepare", "Write each image as the model sees it: 28×28 grayscale PNGs for other runtimes.")
        {
            output, images,
        };
        command.Validators.Add(result =>
        {
            if ((result.GetValue(images) ?? []).FirstOrDefault(ImageArguments.LooksLikeOption) is { } option)
                result.AddError($"unrecognized option '{option}'");
        });
        command.SetAction(parse =>
        {
            (string[] files, string[] warnings) = ImageArguments.Expand(parse.GetValue(images)!);
            foreach (string warning in warnings) Console.Error.WriteLine(warning);
            string folder = parse.GetValue(output)!;
            Dictionary<string, string> targets = Targets(files, folder);
            bool existed = Directory.Exists(folder);
            Engine.IO.OutputFolder.Create(folder);
            ImageOutcome<string>[] outcomes = ImageArguments.EachImage(files, file =>
            {
                string target = targets[file];
                GrayImage seen = ImagePreprocessor.Preprocess(EncodedImage.ReadFile(file, file), file);
                Engine.IO.AtomicFile.WriteAllBytes(target, ImagePreprocessor.EncodePng(seen));
                return target;
            });
            foreach (ImageOutcome<string> outcome in outcomes)
                if (outcome.Value is not null) Console.WriteLine($"{outcome.File} → {outcome.Value}");
            // A run that wrote nothing leaves no folder it made behind.
            if (!existed && outcomes.All(o => o.Value is null)) Directory.Delete(folder);
            return ImageArguments.ReportErrors(outcomes);
        });
        return command;
    }

    /// <summary>
    /// DIR/NAME.png for each file (photo.jpg → photo.png); two files of one name (photo.jpg and photo.png, or two folders'
    /// photo.jpg) would overwrite each other, so they are refused before anything is written.
    /// </summary>
    private static Dictionary<string, string> Targets(string[] files, string folder)
    {
        var targets = new Dictionary<string, string>(StringComparer.Ordinal);
        var sources = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string file in files)
        {
            string target = Path.Combine(folder, Path.GetFileNameWithoutExtension(file) + ".png");
            if (!sources.TryAdd(target, file))
                throw new ArgumentException($"{file}: {sources[target]} has its name, and both would be {target}: "
                    + "prepare them into two folders");
            targets[file] = target;
        }
        return targets;
    }
}
