using Microsoft.ML.Data;
using Microsoft.ML.Transforms;
using MlNetFashion.Pipeline.Data;

namespace MlNetFashion.Pipeline.Transforms;

/// <summary>Input row of the pixel transforms: the 28×28 bytes of the Pixels column.</summary>
public sealed class PixelsRow
{
    [VectorType(FashionMnistSplit.Rows, FashionMnistSplit.Columns)]
    public byte[] Pixels { get; set; } = [];
}

/// <summary>Output row: floats shaped [1, 28, 28], the ONNX model's input layout.</summary>
public sealed class FeaturesRow
{
    [VectorType(1, FashionMnistSplit.Rows, FashionMnistSplit.Columns)]
    public float[] Features { get; set; } = new float[FashionMnistSplit.ImageSize];
}

/// <summary>
/// x / 255 for every pixel — one global scale, never per pixel position (per-slot normalizers such as
/// NormalizeMinMax would stretch the always-black corners). Saved in model.zip by its contract name.
/// </summary>
[CustomMappingFactoryAttribute(ContractName)]
public sealed class ScalePixelsMapping : CustomMappingFactory<PixelsRow, FeaturesRow>
{
    public const string ContractName = "MlNetFashion.ScalePixels";

    public static void Map(PixelsRow input, FeaturesRow output)
    {
        if (input.Pixels.Length != FashionMnistSplit.ImageSize)
            throw new InvalidDataException($"Pixels: expected {FashionMnistSplit.ImageSize} values, received {input.Pixels.Length}");
        if (output.Features.Length != FashionMnistSplit.ImageSize) output.Features = new float[FashionMnistSplit.ImageSize];
        FashionMnistSplit.Scale(input.Pixels, output.Features);
    }

    public override Action<PixelsRow, FeaturesRow> GetMapping() => Map;
}

/// <summary>(x / 255 − 0.2860) / 0.3530: the training set's mean and standard deviation.</summary>
[CustomMappingFactoryAttribute(ContractName)]
public sealed class StandardizePixelsMapping : CustomMappingFactory<PixelsRow, FeaturesRow>
{
    public const string ContractName = "MlNetFashion.StandardizePixels";
    public const float Mean = 0.2860f, Std = 0.3530f;

    public static void Map(PixelsRow input, FeaturesRow output)
    {
        ScalePixelsMapping.Map(input, output);
        for (int i = 0; i < output.Features.Length; i++) output.Features[i] = (output.Features[i] - Mean) / Std;
    }

    public override Action<PixelsRow, FeaturesRow> GetMapping() => Map;
}
