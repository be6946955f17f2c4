using Microsoft.ML;
using Microsoft.ML.Transforms;

namespace MlNetFashion.Pipeline.Transforms;

/// <summary>
/// <c>mlContext.Transforms.ScalePixels()</c>: Pixels (Vector&lt;Byte, 28, 28&gt;) → Features (Vector&lt;Single, 1, 28, 28&gt;).
/// With standardize: also (x − 0.2860) / 0.3530. Our trainer expects the plain x / 255 (its models standardize
/// inside, so the exported ONNX model keeps the simple "pixels / 255" contract).
/// </summary>
public static class PixelTransforms
{
    public static CustomMappingEstimator<PixelsRow, FeaturesRow> ScalePixels(this TransformsCatalog catalog, bool standardize = false)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return standardize
            ? catalog.CustomMapping<PixelsRow, FeaturesRow>(StandardizePixelsMapping.Map, StandardizePixelsMapping.ContractName)
            : catalog.CustomMapping<PixelsRow, FeaturesRow>(ScalePixelsMapping.Map, ScalePixelsMapping.ContractName);
    }
}
