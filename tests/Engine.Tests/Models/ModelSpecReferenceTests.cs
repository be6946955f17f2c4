using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MlNetFashion.Engine.Kernels;
using MlNetFashion.Engine.Models;
using MlNetFashion.Engine.Tensors;
using MlNetFashion.Engine.Tests.Harness;
using MlNetFashion.Engine.Training;

namespace MlNetFashion.Engine.Tests.Models;

/// <summary>docs/model-spec.md, the users' reference, lists what <see cref="ModelSpec"/> reads, with its defaults.</summary>
public partial class ModelSpecReferenceTests
{
    /// <summary>A table row of the reference: its cells, trimmed, between the outer bars.</summary>
    private sealed record Row(string[] Cells)
    {
        public string Code(int cell) => CodeSpans(Cells[cell]) is [var only] && Cells[cell] == $"`{only}`" ? only : "";
    }

    [GeneratedRegex("`([^`]*)`")]
    private static partial Regex CodeSpan();

    private static string[] CodeSpans(string text) => [.. CodeSpan().Matches(text).Select(m => m.Groups[1].Value)];

    /// <summary>The rows of the first table after <paramref name="heading"/> (or of the first table when null).</summary>
    private static List<Row> Table(string? heading)
    {
        string[] lines = File.ReadAllLines(Path.Combine(RepositoryFolder.Find("docs"), "model-spec.md"));
        int start = heading is null ? 0 : Array.IndexOf(lines, heading);
        Assert.True(start >= 0, $"docs/model-spec.md: expected a heading '{heading}'");
        var rows = new List<Row>();
        foreach (string line in lines.Skip(start + 1).SkipWhile(l => !l.StartsWith('|')).TakeWhile(l => l.StartsWith('|')))
        {
            string[] cells = [.. line.Trim().Trim('|').Split('|').Select(c => c.Trim())];
            if (!cells[0].StartsWith('`')) continue; // the header and its rule
            rows.Add(new Row(cells));
        }
        Assert.NotEmpty(rows);
        return rows;
    }

    /// <summary>The section as parsed; no "convolution" and "auto" both leave the choice to the auto rule.</summary>
    private static EngineTrainerOptions Training(string fields)
    {
        EngineTrainerOptions options = ModelSpecTrainingTests.Training(fields);
        return options with { Convolution = options.Convolution ?? ConvolutionAlgorithm.Choice.Auto };
    }

    [GeneratedRegex(@"^```json\r?\n(.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex JsonBlock();

    [Fact]
    public void Example_IsASpecOfANetWithItsTrainingSection()
    {
        string markdown = File.ReadAllText(Path.Combine(RepositoryFolder.Find("docs"), "model-spec.md"));
        Match example = JsonBlock().Match(markdown);
        Assert.True(example.Success, "docs/model-spec.md: expected a ```json example");

        ModelSpec spec = ModelSpec.Parse(example.Groups[1].Value, "docs/model-spec.md");
        Sequential model = spec.CreateModel();
        model.Build(2, new EngineRandom(1));

        Assert.Equal(10, model.OutputShape.Size);
        Assert.Equal(Training("") with { Epochs = 8, BatchSize = 64, LearningRate = 0.008f, WeightDecay = 0.05f, LabelSmoothing = 0.1f },
            spec.Training! with { Convolution = ConvolutionAlgorithm.Choice.Auto });
    }

    [Fact]
    public void TopLevelTable_ListsTheKeysASpecAccepts()
    {
        Assert.Equal(ModelSpec.TopLevelKeys, Table(null).Select(r => r.Code(0)));
    }

    [Fact]
    public void LayersTable_ListsEveryTypeWithTheFieldsItAccepts()
    {
        List<Row> rows = Table("## Layers");

        Assert.Equal(LayerFactory.Kinds, rows.Select(r => r.Code(0)).Distinct());
        foreach (string kind in LayerFactory.Kinds)
        {
            string[] documented = [.. rows.Where(r => r.Code(0) == kind && r.Cells[1] != "—").Select(r => r.Code(1))];
            Assert.Equal(LayerFactory.Fields(kind)!.Order(), documented.Order());
        }
    }

    [Fact]
    public void LayersTable_EachDefaultIsWhatTheLayerTakesWhenTheFieldIsLeftOut()
    {
        var checkedDefaults = 0;
        foreach (Row row in Table("## Layers").Where(r => r.Code(2) != ""))
        {
            string kind = row.Code(0), field = row.Code(1);
            JsonObject given = LayerFactoryTests.Minimal(kind);
            given[field] = JsonNode.Parse(row.Code(2));

            string leftOut = Config(kind, LayerFactoryTests.Minimal(kind)), explicitDefault = Config(kind, given);

            Assert.True(leftOut == explicitDefault, $"{kind}.{field}: documented default {row.Code(2)}; left out: {leftOut}");
            checkedDefaults++;
        }
        Assert.True(checkedDefaults >= 15, $"expected a default for most fields, found {checkedDefaults}");
    }

    private static string Config(string kind, JsonObject node) =>
        LayerFactory.Create(kind, new SpecReader("m.json", "$", node)).GetConfig().ToJsonString();

    [Fact]
    public void TrainingTable_ListsEveryKeyTheTrainingSectionAccepts()
    {
        Assert.Equal(ModelSpec.TrainingKeys.Order(), Table("## Training").Select(r => r.Code(0)).Order());
    }

    [Fact]
    public void TrainingTable_EachDefaultIsWhatTheSectionTakesWhenTheKeyIsLeftOut()
    {
        EngineTrainerOptions leftOut = Training("");
        foreach (Row row in Table("## Training"))
        {
            string key = row.Code(0), value = row.Code(1);
            Assert.True(value != "", $"{key}: expected its default as one JSON value in backquotes, found '{row.Cells[1]}'");
            Assert.True(leftOut == Training($"\"{key}\": {value}"), $"{key}: documented default {value} is not the one left out");
        }
    }

    [Fact]
    public void TrainingTable_EveryValueItNamesIsAccepted()
    {
        var named = 0;
        foreach (Row row in Table("## Training"))
        {
            foreach (string value in CodeSpans(row.Cells[2]))
            {
                Exception? refused = Record.Exception(() => Training($"\"{row.Code(0)}\": {value}"));
                Assert.True(refused is null, $"{row.Code(0)}: {value}: {refused?.Message}");
                named++;
            }
        }
        Assert.True(named >= 15, $"expected the accepted spellings of the enum and flag keys, found {named}");
    }

    [Fact]
    public void Training_AValueOtherThanTheDefault_ComparesUnequal()
    {
        // The defaults test compares whole option records: it can only fail if a changed value makes them unequal.
        Assert.NotEqual(Training(""), Training("\"epochs\": 11"));
        Assert.NotEqual(Training(""), Training("\"convolution\": \"winograd\""));
    }
}
