using System.Text.Json.Nodes;
using MlNetFashion.Engine.Layers;
using MlNetFashion.Engine.Models;

namespace MlNetFashion.Engine.Tests.Models;

public class LayerFactoryTests
{
    public static TheoryData<string> Kinds => new(LayerFactory.Kinds);

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Create_EveryKind_ReadsExactlyTheFieldsItAccepts(string kind)
    {
        // A field read but not declared would be refused as unknown; one declared but not read would be ignored.
        string[] declared = LayerFactory.Fields(kind)!;
        var reader = new SpecReader("m.json", "$.layers[0]", Minimal(kind));
        reader.String("type", null);

        LayerFactory.Create(kind, reader);

        Assert.Equal(["type", .. declared.Order()], [reader.Consulted[0], .. reader.Consulted.Skip(1).Order()]);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Create_FromALayersOwnConfig_AcceptsEveryKey(string kind)
    {
        // ModelSpec rebuilds every parsed net from its layers' GetConfig.
        Layer layer = LayerFactory.Create(kind, new SpecReader("m.json", "$.layers[0]", Minimal(kind)));

        Layer again = LayerFactory.Create(kind, new SpecReader("", "", layer.GetConfig()));

        Assert.Equal(layer.GetConfig().ToJsonString(), again.GetConfig().ToJsonString());
    }

    /// <summary>The kind with its required fields only.</summary>
    internal static JsonObject Minimal(string kind)
    {
        var required = new Dictionary<string, int> { ["filters"] = 4, ["kernelSize"] = 3, ["poolSize"] = 2, ["units"] = 3 };
        var node = new JsonObject { ["type"] = kind };
        foreach (string field in LayerFactory.Fields(kind)!.Where(required.ContainsKey)) node[field] = required[field];
        return node;
    }
}
