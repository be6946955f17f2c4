using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetFashion.Pipeline.Data;

namespace MlNetFashion.Pipeline.Tests.Data;

public class FashionMnistDataViewTests
{
    private static FashionMnistSplit Tiny() => new([.. Enumerable.Range(0, 3 * 784).Select(i => (byte)(i % 251))], [0, 9, 4]);

    [Fact]
    public void Schema_HasKeyLabelWithClassNamesAndShapedPixels()
    {
        var view = new FashionMnistDataView(Tiny());
        var label = view.Schema["Label"];
        Assert.Equal(new KeyDataViewType(typeof(uint), 10), label.Type);
        VBuffer<ReadOnlyMemory<char>> names = default;
        label.GetKeyValues(ref names);
        Assert.Equal(["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"],
            names.DenseValues().Select(n => n.ToString()));
        var pixels = Assert.IsType<VectorDataViewType>(view.Schema["Pixels"].Type);
        Assert.Equal(NumberDataViewType.Byte, pixels.ItemType);
        Assert.Equal([28, 28], pixels.Dimensions.ToArray());
        Assert.Equal(3, view.GetRowCount());
    }

    [Fact]
    public void Cursor_ReturnsTheSourceRowsInOrder()
    {
        FashionMnistSplit split = Tiny();
        var rows = new MLContext().Data.CreateEnumerable<Row>(new FashionMnistDataView(split), reuseRowObject: false).ToList();
        Assert.Equal([1u, 10u, 5u], rows.Select(r => r.Label));
        for (int i = 0; i < 3; i++) Assert.Equal(split.Image(i).ToArray(), rows[i].Pixels);
    }

    [Fact]
    public void Cursor_StopsAtTheNextRowOnceItsTokenIsCancelled()
    {
        using var cancel = new CancellationTokenSource();
        var view = new FashionMnistDataView(Tiny(), cancel.Token);
        using DataViewRowCursor cursor = view.GetRowCursor(view.Schema);
        Assert.True(cursor.MoveNext());
        cancel.Cancel();
        Assert.Throws<OperationCanceledException>(() => cursor.MoveNext());
    }

    [Fact]
    public void Cursor_WithRandom_VisitsEveryRowOnceInAnotherOrder()
    {
        var split = new FashionMnistSplit(new byte[100 * 784], [.. Enumerable.Range(0, 100).Select(i => (byte)(i % 10))]);
        for (int i = 0; i < 100; i++) split.Pixels[i * 784] = (byte)i;
        var view = new FashionMnistDataView(split);
        using var cursor = view.GetRowCursor(view.Schema, new Random(5));
        var getter = cursor.GetGetter<VBuffer<byte>>(view.Schema["Pixels"]);
        var seen = new List<int>();
        VBuffer<byte> value = default;
        while (cursor.MoveNext())
        {
            getter(ref value);
            seen.Add(value.GetItemOrDefault(0));
        }
        Assert.Equal(Enumerable.Range(0, 100), seen.Order());
        Assert.NotEqual(Enumerable.Range(0, 100), seen);
    }

    private sealed class Row
    {
        public uint Label { get; set; }
        public byte[] Pixels { get; set; } = [];
    }
}
