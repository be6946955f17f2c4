using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;
using MlNetFashion.Pipeline.Transforms;
using MlNetFashion.Scoring.Imaging;

namespace MlNetFashion.Scoring.Data;

/// <summary>Input row of <see cref="PreprocessImageMapping"/>: an encoded image (PNG, JPEG, BMP, GIF, WebP).</summary>
public sealed class EncodedImageRow
{
    [ColumnName(ImageFolderDataView.ImageColumn), VectorType]
    public byte[] Image { get; set; } = [];
}

/// <summary>
/// Image (encoded bytes) → Pixels (Vector&lt;Byte, 28, 28&gt;) by <see cref="ImagePreprocessor"/>: the preparation that
/// scoring gives every image, so a model is trained on what it will see. Saved in model.zip by its contract name.
/// </summary>
[CustomMappingFactoryAttribute(ContractName)]
public sealed class PreprocessImageMapping : CustomMappingFactory<EncodedImageRow, PixelsRow>
{
    public const string ContractName = "MlNetFashion.PreprocessImage";

    public static void Map(EncodedImageRow input, PixelsRow output) =>
        output.Pixels = ImagePreprocessor.Preprocess(input.Image, "image").Pixels;

    public override Action<EncodedImageRow, PixelsRow> GetMapping() => Map;
}

/// <summary><c>mlContext.Transforms.PreprocessImages()</c>: Image (encoded bytes) → Pixels (28×28 bytes).</summary>
public static class ImageTransforms
{
    public static CustomMappingEstimator<EncodedImageRow, PixelsRow> PreprocessImages(this TransformsCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return catalog.CustomMapping<EncodedImageRow, PixelsRow>(PreprocessImageMapping.Map, PreprocessImageMapping.ContractName);
    }
}
