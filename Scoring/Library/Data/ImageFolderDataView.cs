using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetFashion.Scoring.Data;

/// <summary>
/// An <see cref="ImageFolder"/> as ML.NET's image-classification samples shape their data (LoadRawImageBytes):
/// ImagePath (text), Label (a key whose values are the class names, in the folder's class order) and Image (the file's
/// encoded bytes, read from it each time the view is read, as LoadRawImageBytes does).
/// <c>mlContext.Transforms.PreprocessImages()</c> then makes the 28×28 Pixels and ScalePixels the Features the trainer takes.
/// </summary>
public static class ImageFolderDataView
{
    public const string ImagePathColumn = "ImagePath", LabelColumn = "Label", ImageColumn = "Image";

    public static IDataView ToDataView(this ImageFolder folder, MLContext mlContext)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(mlContext);
        var rows = mlContext.Data.LoadFromEnumerable(folder.Images.Select(i => new Row
        {
            ImagePath = i.Path, Label = folder.ClassNames[i.Label], Image = Imaging.EncodedImage.ReadFile(i.Path, i.Path),
        }));
        // keyData fixes the key order to the folder's class order (MapValueToKey alone numbers labels as they appear).
        var classes = mlContext.Data.LoadFromEnumerable(folder.ClassNames.Select(n => new ClassName { Name = n }));
        return mlContext.Transforms.Conversion.MapValueToKey(LabelColumn, keyData: classes).Fit(rows).Transform(rows);
    }

    private sealed class Row
    {
        public string ImagePath { get; set; } = "";
        public string Label { get; set; } = "";
        [VectorType]
        public byte[] Image { get; set; } = [];
    }

    private sealed class ClassName
    {
        public string Name { get; set; } = "";
    }
}
