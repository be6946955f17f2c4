using MlNetFashion.Scoring.Data;

namespace MlNetFashion.Scoring.Tests.Data;

public sealed class PassedOverPhotosTests
{
    private const string Advice = "be decoded here (PNG, JPEG, BMP, GIF or WebP expected; convert the files to one of them)";

    [Fact]
    public void Add_ImagesAndOtherFiles_NotCountedAndNothingToSay()
    {
        var passedOver = new PassedOverPhotos();

        Assert.False(passedOver.Add("photo.jpg"));
        Assert.False(passedOver.Add("notes.txt"));
        Assert.False(passedOver.Add("heic"));

        Assert.Equal(0, passedOver.Count);
        Assert.Null(passedOver.Describe());
    }

    [Fact]
    public void Describe_OneFormat_NamesItWithoutCounts()
    {
        var passedOver = new PassedOverPhotos();
        Assert.True(passedOver.Add("IMG_0001.HEIC"));
        Assert.True(passedOver.Add("IMG_0002.heic"));

        Assert.Equal($"2 files passed over: the HEIC format cannot {Advice}", passedOver.Describe());
    }

    [Fact]
    public void Describe_SeveralFormats_EachWithItsCountInNameOrder()
    {
        var passedOver = new PassedOverPhotos();
        foreach (string file in new[] { "scan.tif", "a.HEIC", "b.heic", "c.avif", "d.TIFF" }) Assert.True(passedOver.Add(file));

        Assert.Equal(5, passedOver.Count);
        Assert.Equal($"5 files passed over: the AVIF (1), HEIC (2) and TIFF (2) formats cannot {Advice}", passedOver.Describe());
    }

    [Fact]
    public void Describe_OneFile_SaysOneFile()
    {
        var passedOver = new PassedOverPhotos();
        passedOver.Add("page.jxl");

        Assert.Equal($"1 file passed over: the JPEG XL format cannot {Advice}", passedOver.Describe());
    }
}
