using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetFashion.Pipeline.Data;
using MlNetFashion.Pipeline.Transforms;

namespace MlNetFashion.Pipeline.Tests.Transforms;

public class PixelTransformsTests
{
    private static FashionMnistDataView View() =>
        new(new FashionMnistSplit([.. Enumerable.Range(0, 2 * 784).Select(i => (byte)(i % 256))], [3, 7]));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ScalePixels_GlobalScaleShapedOneByTwentyEight_SurvivesSaveLoad(bool standardize)
    {
        var ml = new MLContext(1);
        var view = View();
        ITransformer transformer = ml.Transforms.ScalePixels(standardize).Fit(view);
        var type = Assert.IsType<VectorDataViewType>(transformer.GetOutputSchema(view.Schema)["Features"].Type);
        Assert.Equal([1, 28, 28], type.Dimensions.ToArray());

        using var stream = new MemoryStream();
        ml.Model.Save(transformer, view.Schema, stream);
        stream.Position = 0;
        ITransformer loaded = new MLContext().Model.Load(stream, out _);
        float[] features = ml.Data.CreateEnumerable<Row>(loaded.Transform(view), false).First().Features;
        for (int i = 0; i < 784; i++)
        {
            float scaled = (i % 256) / 255f;
            float expected = standardize ? (scaled - 0.2860f) / 0.3530f : scaled;
            Assert.Equal(expected, features[i], 5);
        }
    }

    private sealed class Row
    {
        public float[] Features { get; set; } = [];
    }
}
