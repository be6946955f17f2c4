using MlNetFashion.Pipeline.Runs;

namespace MlNetFashion.Pipeline.Tests.Runs;

public class CanonicalClassOrderTests
{
    [Fact]
    public void OutputOf_FashionMnistOrder_IsNull()
    {
        Assert.Null(CanonicalClassOrder.OutputOf(FashionMnistClasses.Names));
        Assert.Null(CanonicalClassOrder.OutputOf(
            [.. Enumerable.Range(0, 10).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))]));
    }

    [Fact]
    public void OutputOf_NamesInFirstAppearanceOrder_GivesEachClassItsOutput()
    {
        // Keyed by MapValueToKey as the classes first appeared in some training data.
        string[] names = ["Ankle boot", "T-shirt/top", "Dress", "Pullover", "Sneaker", "Sandal", "Trouser", "Shirt", "Coat", "Bag"];

        int[] outputOf = CanonicalClassOrder.OutputOf(names)!;

        for (int c = 0; c < 10; c++) Assert.Equal(FashionMnistClasses.Names[c], names[outputOf[c]]);
    }

    [Fact]
    public void OutputOf_RawLabelNumbersInAnotherOrder_MatchedByNumber()
    {
        string[] names = ["9", "0", "3", "2", "7", "5", "1", "6", "4", "8"];

        int[] outputOf = CanonicalClassOrder.OutputOf(names)!;

        Assert.Equal([1, 6, 3, 2, 8, 5, 7, 4, 9, 0], outputOf);
    }

    [Theory]
    [InlineData("cat,dog,T-shirt/top,Trouser,Pullover,Dress,Coat,Sandal,Shirt,Sneaker")]
    [InlineData("Ankle boot,Ankle boot,Trouser,Pullover,Dress,Coat,Sandal,Shirt,Sneaker,Bag")]
    [InlineData("T-shirt/top,Trouser")]
    [InlineData("Schuhe-ä,靴,Stiefel")]
    public void OutputOf_NotTheTenClasses_NullSoTheModelKeepsItsOwnClasses(string names)
    {
        Assert.False(CanonicalClassOrder.AreFashionMnist(names.Split(',')));
        Assert.Null(CanonicalClassOrder.OutputOf(names.Split(',')));
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
