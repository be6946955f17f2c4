using System.Text.Json.Nodes;
using MlNetFashion.Engine.Initializers;
using MlNetFashion.Engine.Layers;
using MlNetFashion.Engine.Layers.Activation;
using MlNetFashion.Engine.Layers.Convolution;
using MlNetFashion.Engine.Layers.Core;
using MlNetFashion.Engine.Layers.Normalization;
using MlNetFashion.Engine.Layers.Pooling;

namespace MlNetFashion.Engine.Models;

/// <summary>Layer kind + JSON config → layer (the inverse of each layer's Kind and GetConfig).</summary>
internal static class LayerFactory
{
    /// <summary>Each kind with the fields it takes besides "type": the ones Create reads (a test holds them equal).</summary>
    private static readonly (string Kind, string[] Fields)[] Table =
    [
        ("Conv2D", ["filters", "kernelSize", "stride", "padding", "useBias", "kernelInitializer"]),
        ("ResidualBlock", ["filters", "stride"]),
        ("BatchNorm2D", ["momentum", "epsilon"]),
        ("BatchNorm1D", ["momentum", "epsilon"]),
        ("Standardize", ["mean", "std"]),
        ("ReLU", []),
        ("LeakyReLU", ["alpha"]),
        ("MaxPool2D", ["poolSize", "stride", "padding", "ceilMode"]),
        ("AvgPool2D", ["poolSize", "stride", "padding", "ceilMode"]),
        ("GlobalAvgPool", []),
        ("Dropout", ["rate"]),
        ("Flatten", []),
        ("Dense", ["units", "useBias", "kernelInitializer"]),
    ];

    public static readonly string[] Kinds = [.. Table.Select(t => t.Kind)];

    /// <summary>The fields <paramref name="kind"/> takes besides "type"; null for an unknown kind.</summary>
    public static string[]? Fields(string kind)
    {
        foreach (var (known, fields) in Table)
        {
            if (known == kind) return fields;
        }
        return null;
    }

    /// <summary>Unknown keys are refused before any field is read, so a misspelt required field is named as the typo it is.</summary>
    public static Layer Create(string kind, SpecReader r)
    {
        if (Fields(kind) is { } fields) r.RejectUnknownKeys(["type", .. fields], kind);
        return Build(kind, r);
    }

    private static Layer Build(string kind, SpecReader r) => kind switch
    {
        "Conv2D" => new Conv2D(r.Int("filters"), r.Int("kernelSize"), r.Int("stride", 1), Pad(r), r.Bool("useBias", true), Init(r)),
        "ResidualBlock" => new ResidualBlock(r.Int("filters"), r.Int("stride", 1)),
        "BatchNorm2D" => new BatchNorm2D(r.Float("momentum", 0.1f, 1e-6f, 1f), r.Float("epsilon", 1e-5f, 1e-12f, 1f)),
        "BatchNorm1D" => new BatchNorm1D(r.Float("momentum", 0.1f, 1e-6f, 1f), r.Float("epsilon", 1e-5f, 1e-12f, 1f)),
        "Standardize" => new Standardize(r.Float("mean", 0f), r.Float("std", 1f, 1e-6f)),
        "ReLU" => new ReLU(),
        "LeakyReLU" => new LeakyReLU(r.Float("alpha", 0.01f, 0f, 1f)),
        "MaxPool2D" => new MaxPool2D(r.Int("poolSize"), r.Has("stride") ? r.Int("stride") : null, Pad(r), r.Bool("ceilMode", false)),
        "AvgPool2D" => new AvgPool2D(r.Int("poolSize"), r.Has("stride") ? r.Int("stride") : null, Pad(r), r.Bool("ceilMode", false)),
        "GlobalAvgPool" => new GlobalAvgPool(),
        "Dropout" => new Dropout(r.Float("rate", 0.5f, 0f, 0.99f)),
        "Flatten" => new Flatten(),
        "Dense" => new Dense(r.Int("units"), r.Bool("useBias", true), Init(r)),
        _ => throw r.Error("type", "one of " + string.Join(", ", Kinds), JsonValue.Create(kind)),
    };

    private static Padding Pad(SpecReader r)
        => r.String("padding", "valid", "valid", "same").Equals("same", StringComparison.OrdinalIgnoreCase) ? Padding.Same : Padding.Valid;

    private static Initializer? Init(SpecReader r) => r.Has("kernelInitializer")
        ? Initializer.FromName(r.String("kernelInitializer", null, "he_normal", "he_uniform", "glorot_uniform", "zeros"))
        : null;
}
