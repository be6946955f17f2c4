namespace MlNetFashion.Scoring.Tests.Commands;

public sealed class GpuOptionTests
{
    [Theory]
    [InlineData("predict")]
    [InlineData("serve")]
    public void Gpu_NotAnInteger_OneParseErrorLineNamingTheOption(string verb)
    {
        string model = Path.Combine(Path.GetTempPath(), $"gpu-option-{Guid.NewGuid():N}.onnx");

        string[] args = [verb, "--model", model, "--gpu", "x", .. verb == "predict" ? ["image.png"] : Array.Empty<string>()];

        Assert.Equal($"error: --gpu: expected an integer, received \"x\" (see '{verb} --help')", Cli.Refusal(args));
    }
}
