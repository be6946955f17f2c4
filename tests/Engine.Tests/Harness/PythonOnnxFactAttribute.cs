namespace MlNetFashion.Engine.Tests.Harness;

/// <summary>A fact that is skipped (with the reason shown) when python3 cannot import onnx on this machine.</summary>
public sealed class PythonOnnxFactAttribute : FactAttribute
{
    public PythonOnnxFactAttribute()
    {
        if (!Python.HasOnnx) Skip = $"{Python.Executable} cannot import onnx: install python3-onnx (./build.sh test installs it).";
    }
}
