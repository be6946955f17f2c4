using System.IO.Compression;
using System.Text.RegularExpressions;
using CsCheck;
using MlNetFashion.Pipeline.Data;
using MlNetFashion.Tests.Shared;

namespace MlNetFashion.Pipeline.Tests.Data;

public class IdxReaderTests() : TempFolderTests("idx-tests-")
{
    private static byte[] Pixels(int count) => [.. Enumerable.Range(0, count * 784).Select(i => (byte)(i * 7 % 256))];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Read_AfterWrite_ReturnsTheSameImagesAndLabels(bool gzip)
    {
        byte[] pixels = Pixels(3), labels = [4, 0, 9];
        IdxWriter.WriteImages(Path.Combine(Folder, "img"), pixels, 3, 28, 28, gzip);
        IdxWriter.WriteLabels(Path.Combine(Folder, "lbl"), labels, gzip);
        var images = IdxReader.Read(Path.Combine(Folder, "img"), IdxFile.ImagesMagic);
        var read = IdxReader.Read(Path.Combine(Folder, "lbl"), IdxFile.LabelsMagic);
        Assert.Equal([3, 28, 28], images.Dimensions);
        Assert.Equal(pixels, images.Data);
        Assert.Equal(labels, read.Data);
    }

    [Fact]
    public void Read_RandomShapes_RoundTrip()
    {
        Gen.Select(Gen.Int[0, 20], Gen.Int[1, 9], Gen.Int[1, 9], Gen.Bool).Sample((count, rows, cols, gzip) =>
        {
            byte[] data = new byte[count * rows * cols];
            new Random(count * 31 + rows).NextBytes(data);
            string path = Path.Combine(Folder, $"r{Guid.NewGuid():N}");
            IdxWriter.WriteImages(path, data, count, rows, cols, gzip);
            var file = IdxReader.Read(path, IdxFile.ImagesMagic);
            return file.Dimensions.SequenceEqual([count, rows, cols]) && file.Data.SequenceEqual(data);
        }, iter: 50, seed: "0N0XIzNsQ0O2");
    }

    [Fact]
    public void Parse_RandomBytesOrTruncations_ThrowsOnlyItsOwnException()
    {
        IdxWriter.WriteImages(Path.Combine(Folder, "valid"), Pixels(2), 2, 28, 28, gzip: true);
        byte[] gz = File.ReadAllBytes(Path.Combine(Folder, "valid"));
        int refused = 0;
        Gen.Select(Gen.Byte.Array[0, 64], Gen.Int[0, gz.Length]).Sample((junk, cut) =>
        {
            foreach (byte[] input in new[] { junk, gz[..cut], [0, 0, 8, 3, .. junk] })
            {
                try
                {
                    IdxReader.Parse("fuzz", input, IdxFile.ImagesMagic);
                }
                catch (FashionMnistDataException)
                {
                    Interlocked.Increment(ref refused);
                }
            }
        }, iter: 300, seed: "0N0XIzNsQ0O2");

        // The cuts run up to the whole file, which parses: the fuzz spans refused and accepted inputs.
        Assert.Equal([2, 28, 28], IdxReader.Parse("valid", gz, IdxFile.ImagesMagic).Dimensions);
        Assert.True(refused > 0, "no random or truncated input was refused");
    }

    [Fact]
    public void Read_WrongMagic_NamesFileAndBothMagics()
    {
        string path = Path.Combine(Folder, "train-images-idx3-ubyte");
        IdxWriter.WriteLabels(path, [1, 2]);
        var ex = Assert.Throws<FashionMnistDataException>(() => IdxReader.Read(path, IdxFile.ImagesMagic));
        Assert.Equal($"{path}: expected IDX magic 0x00000803 (unsigned-byte images, 3 dimensions), found 0x00000801", ex.Message);
    }

    [Fact]
    public void Read_Truncated_NamesFileExpectedAndActualBytes()
    {
        string path = Path.Combine(Folder, "train-images-idx3-ubyte");
        IdxWriter.WriteImages(path, Pixels(2), 2, 28, 28);
        using (var f = new FileStream(path, FileMode.Open)) f.SetLength(1000);
        var ex = Assert.Throws<FashionMnistDataException>(() => IdxReader.Read(path, IdxFile.ImagesMagic));
        Assert.Equal($"{path}: expected 1,584 bytes for dimensions [2, 28, 28], found 1,000", ex.Message);
    }

    [Fact]
    public void Read_EmptyFile_SaysEmpty()
    {
        string path = Path.Combine(Folder, "t10k-labels-idx1-ubyte");
        File.WriteAllBytes(path, []);
        var ex = Assert.Throws<FashionMnistDataException>(() => IdxReader.Read(path, IdxFile.LabelsMagic));
        Assert.Equal($"{path}: the file is empty", ex.Message);
    }

    [Fact]
    public void Read_CorruptGzip_SaysCorruptGzip()
    {
        var (path, error) = ReadDamagedGzip(bytes => bytes[..(bytes.Length / 2)]);
        Assert.StartsWith($"{path}: corrupt or truncated gzip data", error);
    }

    [Fact]
    public void Read_GzipWithBadChecksum_SaysTheDataIsDamagedNotAnUnsupportedMethod()
    {
        // .NET's own message was "The archive entry was compressed using an unsupported compression method".
        var (path, error) = ReadDamagedGzip(bytes =>
        {
            bytes[^8] ^= 0xFF;   // the CRC-32 of the trailer
            return bytes;
        });

        Assert.Equal($"{path}: corrupt or truncated gzip data (the compressed data or its checksum is damaged)", error);
    }

    /// <summary>The error reading a gzipped labels file of 5,000 labels whose bytes <paramref name="damage"/> changed.</summary>
    private (string Path, string Error) ReadDamagedGzip(Func<byte[], byte[]> damage)
    {
        string path = Path.Combine(Folder, "train-labels-idx1-ubyte.gz");
        IdxWriter.WriteLabels(path, [.. Enumerable.Repeat((byte)1, 5000)], gzip: true);
        File.WriteAllBytes(path, damage(File.ReadAllBytes(path)));
        return (path, Assert.Throws<FashionMnistDataException>(() => IdxReader.Read(path, IdxFile.LabelsMagic)).Message);
    }

    [Theory]
    [InlineData(8, "decompressed 5,008 bytes before the data ended")]    // only the trailer lost
    [InlineData(30, "decompressed ")]                                     // cut inside the compressed data
    public void Read_TruncatedGzip_OneMessageWithTheBytesBeforeTheEndAndNoTrailerSize(int cut, string detail)
    {
        // It said "x.gz: corrupt or truncated gzip data (x.gz: corrupt or truncated gzip data (decompressed 1,452 bytes,
        // the gzip trailer declares 2,270,122,678))", quoting as a size the 4 bytes a cut file happens to end with.
        string path = Path.Combine(Folder, "train-labels-idx1-ubyte.gz");
        byte[] labels = new byte[5000];
        new Random(3).NextBytes(labels);
        IdxWriter.WriteLabels(path, labels, gzip: true);
        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^cut]);

        var ex = Assert.Throws<FashionMnistDataException>(() => IdxReader.Read(path, IdxFile.LabelsMagic));

        Assert.Matches(
            $@"^{Regex.Escape(path)}: corrupt or truncated gzip data \(decompressed [\d,]+ bytes before the data ended\)$", ex.Message);
        Assert.Contains(detail, ex.Message);
    }

    [Fact]
    public void Read_GzipOfTwoMembers_ReadsBothAsGunzipDoes()
    {
        // RFC 1952 allows several members one after another (`cat a.gz b.gz`, some parallel compressors); it was refused
        // as "corrupt or truncated", because only the last member's size is in the file's last 4 bytes.
        string raw = Path.Combine(Folder, "raw");
        byte[] labels = new byte[5000];
        new Random(4).NextBytes(labels);
        for (int i = 0; i < labels.Length; i++) labels[i] %= 10;
        IdxWriter.WriteLabels(raw, labels);
        byte[] idx = File.ReadAllBytes(raw);
        string path = Path.Combine(Folder, "train-labels-idx1-ubyte.gz");
        File.WriteAllBytes(path, [.. Gzip(idx[..1000]), .. Gzip(idx[1000..])]);

        Assert.Equal(labels, IdxReader.Read(path, IdxFile.LabelsMagic).Data);
    }

    [Fact]
    public void Read_GzipWithJunkAfterIt_SaysSoInsteadOfTruncated()
    {
        string path = Path.Combine(Folder, "train-labels-idx1-ubyte.gz");
        IdxWriter.WriteLabels(path, [.. Enumerable.Repeat((byte)1, 5000)], gzip: true);
        File.AppendAllText(path, "<html>not found</html>\n");

        var ex = Assert.Throws<FashionMnistDataException>(() => IdxReader.Read(path, IdxFile.LabelsMagic));

        Assert.Equal($"{path}: corrupt gzip data (23 bytes after the end of the gzip data are not gzip)", ex.Message);
    }

    private static byte[] Gzip(byte[] data)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true)) gzip.Write(data);
        return buffer.ToArray();
    }

    [Fact]
    public void LoadSplit_CountMismatch_NamesLabelsFileAndBothCounts()
    {
        IdxWriter.WriteImages(Path.Combine(Folder, "train-images-idx3-ubyte"), Pixels(3), 3, 28, 28);
        IdxWriter.WriteLabels(Path.Combine(Folder, "train-labels-idx1-ubyte"), [1, 2]);
        var ex = Assert.Throws<FashionMnistDataException>(() => FashionMnist.LoadSplit(Folder, "train"));
        Assert.Equal(
            $"{Path.Combine(Folder, "train-labels-idx1-ubyte")}: expected 3 labels to match train-images-idx3-ubyte, found 2", ex.Message);
    }

    [Fact]
    public void LoadSplit_LabelTwelve_NamesLabelAndIndex()
    {
        IdxWriter.WriteImages(Path.Combine(Folder, "t10k-images-idx3-ubyte.gz"), Pixels(3), 3, 28, 28, gzip: true);
        IdxWriter.WriteLabels(Path.Combine(Folder, "t10k-labels-idx1-ubyte.gz"), [1, 12, 3], gzip: true);
        var ex = Assert.Throws<FashionMnistDataException>(() => FashionMnist.LoadSplit(Folder, "t10k"));
        Assert.Equal($"{Path.Combine(Folder, "t10k-labels-idx1-ubyte.gz")}: label 12 at index 1 is outside 0..9", ex.Message);
    }

    [Fact]
    public void Read_GzipDetectedByMagicNotExtension()
    {
        string path = Path.Combine(Folder, "labels-without-gz-extension");
        IdxWriter.WriteLabels(path, [7, 8], gzip: true);
        Assert.Equal(0x1F, File.ReadAllBytes(path)[0]);
        Assert.Equal([7, 8], IdxReader.Read(path, IdxFile.LabelsMagic).Data);
    }
}
