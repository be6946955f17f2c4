using MlNetFashion.Pipeline.Data;

namespace MlNetFashion.Pipeline.Tests;

/// <summary>The official files, loaded once per test run (./build.sh test installs them).</summary>
public static class RealData
{
    private static readonly Lazy<FashionMnist> s_data = new(() => FashionMnist.Load());

    public static FashionMnist Data => s_data.Value;
}
