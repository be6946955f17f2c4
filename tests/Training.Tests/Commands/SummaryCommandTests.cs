using System.Globalization;
using MlNetFashion.Engine.Models;
using MlNetFashion.Engine.Tensors;
using MlNetFashion.Pipeline.Trainer;

namespace MlNetFashion.Training.Tests.Commands;

public sealed class SummaryCommandTests
{
    [Fact]
    public void Summary_Preset_PrintsTheNetsLayerTableWhoseRowsAddUpToTheTotal()
    {
        string output = Cli.RunOk("summary", "--preset", "fast");

        var (_, model, _) = FashionMnistNet.Create(PresetKind.Fast, null);
        model.Build(1, new EngineRandom(0));
        Assert.Equal(ModelSummary.Format(model), output);
        // Rows sit between the ═ rules; the last column is the layer's parameter count.
        string[] lines = output.Split('\n');
        int first = Array.FindIndex(lines, l => l.StartsWith('═')), last = Array.FindLastIndex(lines, l => l.StartsWith('═'));
        long rows = lines[(first + 1)..last].Sum(l => long.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[^1],
            NumberStyles.AllowThousands, CultureInfo.InvariantCulture));
        Assert.Equal(model.Layers.Count + 1, last - first - 1);   // the input row and one per layer
        Assert.Equal($"Total params: {rows.ToString("N0", CultureInfo.InvariantCulture)}", lines[last + 1]);
    }
}
