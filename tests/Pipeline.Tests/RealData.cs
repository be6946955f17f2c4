using MlNetFashion.Pipeline.Data;

namespace MlNetFashion.Pipeline.Tests;

/// <summary>The official files, loaded once per test run (./build.sh test installs them).</summary>
public static class RealData
{
    private static readonly Lazy<FashionMnist> LazyData = new(() => FashionMnist.Load());

    public static FashionMnist Data => LazyData.Value;
}
