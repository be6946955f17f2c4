namespace MlNetFashion.Pipeline.Data;

/// <summary>An IDX file in memory: unsigned-byte payload and its dimensions (images: [n, rows, cols]; labels: [n]).</summary>
public sealed record IdxFile(string Name, int[] Dimensions, byte[] Data)
{
    public const int ImagesMagic = 0x00000803;
    public const int LabelsMagic = 0x00000801;

    public int Count => Dimensions[0];
}
