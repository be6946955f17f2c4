using MlNetFashion.Pipeline.Runs;

namespace MlNetFashion.Pipeline.Tests.Runs;

public class CanonicalClassOrderTests
{
    [Fact]
    public void OutputOf_FashionMnistOrder_IsNull()
    {
        Assert.Null(CanonicalClassOrder.OutputOf(FashionMnistClasses.Names, "m.onnx"));
        Assert.Null(CanonicalClassOrder.OutputOf([.. Enumerable.Range(0, 10).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))], "m.onnx"));
    }

    [Fact]
    public void OutputOf_NamesInFirstAppearanceOrder_GivesEachClassItsOutput()
    {
        // Keyed by MapValueToKey as the classes first appeared in some training data.
        string[] names = ["Ankle boot", "T-shirt/top", "Dress", "Pullover", "Sneaker", "Sandal", "Trouser", "Shirt", "Coat", "Bag"];

        int[] outputOf = CanonicalClassOrder.OutputOf(names, "m.onnx")!;

        for (int c = 0; c < 10; c++) Assert.Equal(FashionMnistClasses.Names[c], names[outputOf[c]]);
    }

    [Fact]
    public void OutputOf_RawLabelNumbersInAnotherOrder_MatchedByNumber()
    {
        string[] names = ["9", "0", "3", "2", "7", "5", "1", "6", "4", "8"];

        int[] outputOf = CanonicalClassOrder.OutputOf(names, "m.onnx")!;

        Assert.Equal([1, 6, 3, 2, 8, 5, 7, 4, 9, 0], outputOf);
    }

    [Theory]
    [InlineData("cat,dog,T-shirt/top,Trouser,Pullover,Dress,Coat,Sandal,Shirt,Sneaker")]
    [InlineData("Ankle boot,Ankle boot,Trouser,Pullover,Dress,Coat,Sandal,Shirt,Sneaker,Bag")]
    [InlineData("T-shirt/top,Trouser")]
    public void OutputOf_NotTheTenClasses_RefusedNamingTheModel(string names)
    {
        var ex = Assert.Throws<InvalidDataException>(() => CanonicalClassOrder.OutputOf(names.Split(','), "m.onnx"));

        Assert.StartsWith("m.onnx: the model's classes are \"", ex.Message);
        Assert.EndsWith("expected Fashion-MNIST's ten classes, by name or as 0–9", ex.Message);
    }

    [Fact]
    public void ReorderRows_MovesEachRowsSlotsToClassOrder()
    {
        int[] outputOf = [1, 6, 3, 2, 8, 5, 7, 4, 9, 0];
        float[] rows = [.. Enumerable.Range(0, 20).Select(i => (float)i)];

        CanonicalClassOrder.ReorderRows(outputOf, rows);

        Assert.Equal([.. outputOf.Select(k => (float)k), .. outputOf.Select(k => 10f + k)], rows);
    }
}
