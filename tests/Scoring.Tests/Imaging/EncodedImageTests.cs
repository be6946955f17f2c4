using MlNetFashion.Scoring.Imaging;
using MlNetFashion.Tests.Shared;
using SkiaSharp;

namespace MlNetFashion.Scoring.Tests.Imaging;

public sealed class EncodedImageTests() : TempFolderTests("encoded-image-")
{
    /// <summary>The first bytes of an iPhone photo: an ISO box 'ftyp' of major brand 'heic'.</summary>
    public static readonly byte[] Heic = [0, 0, 0, 0x18, .. "ftypheic"u8, 0, 0, 0, 0, .. "mif1heic"u8, .. new byte[64]];

    public static TheoryData<string, string> Signatures => new()
    {
        { "000000186674797068656963", "HEIC" },                  // ....ftypheic
        { "0000001c667479706d696631", "HEIF" },                  // ....ftypmif1
        { "0000001c6674797061766966", "AVIF" },                  // ....ftypavif
        { "49492a0008000000", "TIFF" },                          // II*. (also camera raw files)
        { "4d4d002a00000008", "TIFF" },                          // MM.*
        { "ff0a", "JPEG XL" },
        { "0000000c4a584c200d0a870a", "JPEG XL" },               // the container
        { "38425053", "Photoshop" },                             // 8BPS
        { "255044462d312e37", "PDF" },                           // %PDF-1.7
        { "3c73766720786d6c6e733d", "SVG" },                     // <svg xmlns=
        { "efbbbf3c3f786d6c3f3e0a3c737667", "SVG" },             // BOM <?xml?> <svg
    };

    [Theory]
    [MemberData(nameof(Signatures))]
    public void UnsupportedFormat_FirstBytesOfAKnownFormat_NameIt(string hex, string format)
    {
        Assert.Equal(format, EncodedImage.UnsupportedFormat(Convert.FromHexString(hex)));
    }

    [Theory]
    [InlineData("0000001c6674797069736f6d")]   // ....ftypisom: an MP4 video
    [InlineData("68656c6c6f")]                 // hello
    [InlineData("3c68746d6c3e")]               // <html>
    [InlineData("")]
    public void UnsupportedFormat_OtherBytes_Null(string hex)
    {
        Assert.Null(EncodedImage.UnsupportedFormat(Convert.FromHexString(hex)));
    }

    [Fact]
    public void UnsupportedFormat_ImagesTheDecoderTakes_Null()
    {
        foreach (SKEncodedImageFormat format in (SKEncodedImageFormat[])[SKEncodedImageFormat.Png, SKEncodedImageFormat.Jpeg,
            SKEncodedImageFormat.Webp])
        {
            byte[] encoded = ImagePreprocessorTests.Encode(8, 8, (x, y) => new SKColor((byte)x, (byte)y, 0), format);
            Assert.Null(EncodedImage.UnsupportedFormat(encoded));
            Assert.Equal(8, ImageDecoder.Decode(encoded).Width);
        }
    }

    public static TheoryData<string, string?> PhotoNames => new()
    {
        { "IMG_0001.HEIC", "HEIC" }, { "photo.heif", "HEIF" }, { "photo.avif", "AVIF" }, { "scan.tif", "TIFF" }, { "scan.TIFF", "TIFF" },
        { "photo.jxl", "JPEG XL" }, { "IMG_0001.DNG", "DNG raw" }, { "DSC_0001.NEF", "NEF raw" }, { "_MG_0001.cr2", "CR2 raw" },
        { "DSC00001.ARW", "ARW raw" }, { "photo.jpg", null }, { "notes.txt", null },
        { "heic", null },
    };

    [Theory]
    [MemberData(nameof(PhotoNames))]
    public void UndecodablePhotoFormat_FileName_TheFormatItsExtensionStandsFor(string name, string? format)
    {
        Assert.Equal(format, EncodedImage.UndecodablePhotoFormat(name));
    }

    [Fact]
    public void Decode_CameraRawFile_NamedByItsExtensionNotItsTiffBytes()
    {
        byte[] tiffBytes = [.. Convert.FromHexString("49492a0008000000"), .. new byte[64]];

        var error = Assert.Throws<ImageRejectedException>(() => ImageDecoder.Decode(tiffBytes, "DSC_0001.NEF"));

        Assert.Equal("DSC_0001.NEF: the NEF raw format cannot be decoded here (PNG, JPEG, BMP, GIF or WebP expected; convert the file "
            + "to one of them)", error.Message);
    }

    [Fact]
    public void Decode_HeicPhoto_OneLineNamingTheFormatAndWhatToDo()
    {
        var error = Assert.Throws<ImageRejectedException>(() => ImageDecoder.Decode(Heic, "IMG_0001.HEIC"));

        Assert.Equal("IMG_0001.HEIC: the HEIC format cannot be decoded here (PNG, JPEG, BMP, GIF or WebP expected; convert the file "
            + "to one of them)", error.Message);
    }

    [Fact]
    public void ReadFile_OverTheBound_RefusedBeforeReading()
    {
        string path = Path.Combine(Folder, "big.jpg");
        using (var file = File.Create(path)) file.SetLength(EncodedImage.MaxBytes + 1);   // sparse: no room taken
        long before = GC.GetAllocatedBytesForCurrentThread();

        var error = Assert.Throws<ImageRejectedException>(() => EncodedImage.ReadFile(path, "big.jpg"));

        Assert.Equal("big.jpg: expected an image of at most 256 MB, received 256 MB", error.Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20, "the file was read");
    }

    [LinuxFact("a file name that is not UTF-8")]
    public void ReadFile_NameThatIsNotUtf8_SaysSoAndToRenameIt()
    {
        // "café.jpg" in Latin-1, made (and removed) by the shell: .NET cannot name such a file, only list it (U+FFFD for the é).
        Shell("printf x > \"$(printf '%s/caf\\351.jpg' \"$0\")\"");
        try
        {
            string listed = Assert.Single(Directory.GetFiles(Folder));

            var error = Assert.Throws<FileNotFoundException>(() => EncodedImage.ReadFile(listed, Path.GetFileName(listed)));

            Assert.Equal("caf\uFFFD.jpg: the file name is not valid UTF-8 (shown with \uFFFD), and .NET cannot open such a file: "
                + "rename it", error.Message);
        }
        finally
        {
            Shell("rm -f \"$0\"/caf*");
        }
    }

    /// <summary>Runs a sh command with the test's folder as $0.</summary>
    private void Shell(string command)
    {
        using var shell = System.Diagnostics.Process.Start("sh", ["-c", command, Folder])!;
        shell.WaitForExit();
        Assert.Equal(0, shell.ExitCode);
    }

    [Fact]
    public void ReadFile_Missing_ImageFileNotFound()
    {
        string path = Path.Combine(Folder, "nope.jpg");

        var error = Assert.Throws<FileNotFoundException>(() => EncodedImage.ReadFile(path, "nope.jpg"));

        Assert.Equal("nope.jpg: image file not found", error.Message);
    }

    [Fact]
    public void ReadFile_WebAddress_SaysToDownloadTheImageFirst()
    {
        const string url = "https://shop.example/images/boot.jpg";

        var error = Assert.Throws<FileNotFoundException>(() => EncodedImage.ReadFile(url, url));

        Assert.Equal($"{url}: image file not found: a web address is not read from the web here; download the image first",
            error.Message);
    }

    [LinuxFact("a named pipe")]
    public void ReadFile_PipeOverTheBound_StopsJustPastIt()
    {
        // A named pipe has no length to check first, as /dev/stdin has none when a command's output is piped in.
        string pipe = Path.Combine(Folder, "pipe.jpg");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [pipe])) mkfifo.WaitForExit();
        var writer = Task.Run(() =>
        {
            using var stream = new FileStream(pipe, FileMode.Open, FileAccess.Write);
            byte[] chunk = new byte[1 << 20];
            try
            {
                for (long written = 0; written <= EncodedImage.MaxBytes + chunk.Length; written += chunk.Length) stream.Write(chunk);
            }
            catch (IOException)
            {
                // The reader stopped and closed its end.
            }
        });

        var error = Assert.Throws<ImageRejectedException>(() => EncodedImage.ReadFile(pipe, "pipe.jpg"));

        Assert.Equal("pipe.jpg: expected an image of at most 256 MB, received a longer stream", error.Message);
        Assert.True(writer.Wait(TimeSpan.FromSeconds(30)), "the writer did not end");
    }

    [Fact]
    public void ReadFile_AtTheBound_Read()
    {
        string path = Path.Combine(Folder, "big.bmp");
        using (var file = File.Create(path)) file.SetLength(EncodedImage.MaxBytes);

        Assert.Equal(EncodedImage.MaxBytes, EncodedImage.ReadFile(path, "big.bmp").LongLength);
    }

    [Fact]
    public void Read_EndlessStream_StopsJustPastTheBound()
    {
        var endless = new EndlessStream();

        var error = Assert.Throws<ImageRejectedException>(() => EncodedImage.Read(endless, "upload"));

        Assert.Equal("upload: expected an image of at most 256 MB, received a longer stream", error.Message);
        Assert.InRange(endless.Position, EncodedImage.MaxBytes + 1, EncodedImage.MaxBytes + (1 << 20));
    }

    [Fact]
    public void Read_StreamPartlyRead_TheBytesFromWhereItStands()
    {
        using var stream = new MemoryStream([1, 2, 3, 4, 5]) { Position = 2 };

        Assert.Equal(new byte[] { 3, 4, 5 }, EncodedImage.Read(stream, "image"));
    }

    /// <summary>Zeros without end, as a network stream that never closes; counts what was read.</summary>
    private sealed class EndlessStream : Stream
    {
        private long _read;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _read; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override int Read(byte[] buffer, int offset, int count)
        {
            Array.Clear(buffer, offset, count);
            _read += count;
            return count;
        }
    }
}
