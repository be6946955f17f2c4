using System.CommandLine;
using MlNetFashion.Pipeline;
using MlNetFashion.Pipeline.Data;
using MlNetFashion.Scoring.Imaging;

namespace MlNetFashion.Scoring.Commands;

/// <summary>export-samples: writes assets/samples/N-name.png, the first test image of each class (the web page's samples).</summary>
public static class ExportSamplesCommand
{
    public static Command Create()
    {
        var dataDir = new Option<string?>("--data-dir") { Description = "Folder with the Fashion-MNIST files." };
        var output =
            new Option<string>("--out") { Description = "Target folder.", DefaultValueFactory = _ => Path.Combine("assets", "samples") };
        var command = new Command("export-samples", "Write one 28×28 PNG per class from the test set.") { dataDir, output };
        command.SetAction(parse =>
        {
            FashionMnistSplit test = FashionMnist.LoadSplit(DataLocator.Locate(parse.GetValue(dataDir)), "t10k");
            string dir = Path.GetFullPath(parse.GetValue(output)!);
            Engine.IO.OutputFolder.Create(parse.GetValue(output)!);
            for (int label = 0; label < FashionMnistClasses.Count; label++)
            {
                int index = Array.IndexOf(test.Labels, (byte)label);
                string path = Path.Combine(dir, SampleName(label));
                Engine.IO.AtomicFile.WriteAllBytes(path, ImagePreprocessor.EncodePng(new GrayImage(28, 28, test.Image(index).ToArray())));
                Console.WriteLine(path);
            }
            return 0;
        });
        return command;
    }

    /// <summary>"0-t-shirt-top.png" … "9-ankle-boot.png"</summary>
    public static string SampleName(int label) => $"{label}-{Data.ImageFolder.FolderName(FashionMnistClasses.Names[label])}.png";
}
