using MlNetFashion.Engine.IO;

namespace MlNetFashion.Engine.Tests.IO;

public class IOErrorReasonTests
{
    [Fact]
    public void Of_DotNetsPathLastWording_TheReasonAlone()
    {
        string full = Path.GetFullPath("run/model.onnx");

        Assert.Equal("No space left on device", IOErrorReason.Of(new IOException($"No space left on device : '{full}'"), full));
        Assert.Equal("Is a directory", IOErrorReason.Of(new IOException($"Is a directory : '{full}'"), "run/model.onnx"));
    }

    [Fact]
    public void Of_AnotherFileOrWording_Null()
    {
        string full = Path.GetFullPath("run/model.onnx");

        Assert.Null(IOErrorReason.Of(new IOException($"No space left on device : '{full}.tmp'"), full));
        Assert.Null(IOErrorReason.Of(new IOException($"{full}: not an ONNX model"), full));
    }
}
