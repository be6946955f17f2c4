using System.Text.Json.Nodes;
using MlNetFashion.Engine.Tensors;

namespace MlNetFashion.Engine.Layers.Pooling;

/// <summary>
/// Shared geometry of 2-D pooling: window, stride (default = window), Keras 'same' padding or PyTorch ceil_mode.
/// The resulting pads are public so the ONNX export writes exactly what the engine computes.
/// </summary>
public abstract class Pool2D : Layer
{
    protected Window Rows, Cols;

    protected Pool2D(int poolSize, int? stride, Padding padding, bool ceilMode)
    {
        if (poolSize <= 0) throw new ArgumentOutOfRangeException(nameof(poolSize), poolSize, "Expected a positive pool size.");
        if (stride is <= 0) throw new ArgumentOutOfRangeException(nameof(stride), stride, "Expected a positive stride.");
        if (ceilMode && padding == Padding.Same) throw new ArgumentException("Pooling: ceilMode applies to valid padding only.");
        (PoolSize, Stride, Padding, CeilMode) = (poolSize, stride ?? poolSize, padding, ceilMode);
    }

    public int PoolSize { get; }
    public int Stride { get; }
    public Padding Padding { get; }
    public bool CeilMode { get; }
    public int PadTop => Rows.PadBefore;
    public int PadBottom => Rows.PadAfter;
    public int PadLeft => Cols.PadBefore;
    public int PadRight => Cols.PadAfter;

    protected int Planes(Tensor t) => t.BatchSize * InputShape[0];

    protected override Shape OnBuild(Shape inputShape, int maxBatchSize, EngineRandom random)
    {
        Require(inputShape.Rank == 3, "an image shape (C, H, W)", inputShape);
        (int c, int h, int w) = inputShape.AsImage();
        Rows = Window.Create(h, PoolSize, Stride, Padding, CeilMode, $"{Kind} '{Name}' height");
        Cols = Window.Create(w, PoolSize, Stride, Padding, CeilMode, $"{Kind} '{Name}' width");
        var outputShape = new Shape(c, Rows.Output, Cols.Output);
        OnBuildBuffers(maxBatchSize * outputShape.Size);
        return outputShape;
    }

    // Backward reads neither the input nor the output (max pooling keeps its argmax).
    internal override bool ReadsOutputInBackward => false;
    internal override bool ReadsInputInBackward => false;
    internal override bool PassesInputOn => false;

    protected virtual void OnBuildBuffers(int outputCapacity)
    {
    }

    public override JsonObject GetConfig() => new()
    {
        ["poolSize"] = PoolSize,
        ["stride"] = Stride,
        ["padding"] = Padding == Padding.Same ? "same" : "valid",
        ["ceilMode"] = CeilMode,
    };
}
