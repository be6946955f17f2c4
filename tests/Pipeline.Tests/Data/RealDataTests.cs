using System.IO.Compression;
using System.Security.Cryptography;
using MlNetFashion.Pipeline.Data;

namespace MlNetFashion.Pipeline.Tests.Data;

/// <summary>On the official files (./build.sh test installs the Debian package that ships them).</summary>
public class RealDataTests
{
    [Fact]
    public void Load_OfficialFiles_HaveSixtyAndTenThousandRowsBalancedPerClass()
    {
        FashionMnist data = RealData.Data;
        Assert.Equal(60_000, data.Train.Count);
        Assert.Equal(10_000, data.Test.Count);
        Assert.All(data.Train.Labels.GroupBy(l => l), g => Assert.Equal(6_000, g.Count()));
        Assert.All(data.Test.Labels.GroupBy(l => l), g => Assert.Equal(1_000, g.Count()));
        Assert.Equal(10, data.Train.Labels.Distinct().Count());
    }

    [Fact]
    public void OfficialFiles_UncompressedSha256_MatchTheRelease()
    {
        string dir = DataLocator.Locate(null);
        foreach (string name in DataLocator.FileNames)
        {
            string path = DataLocator.RequireFile(dir, name);
            using Stream raw = File.OpenRead(path);
            using Stream content = path.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(raw, CompressionMode.Decompress) : raw;
            Assert.Equal(FashionMnistDownloader.OfficialSha256[name], Convert.ToHexStringLower(SHA256.HashData(content)));
        }
    }
}
