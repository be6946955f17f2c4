namespace MlNetFashion.Engine.Layers;

/// <summary>
/// The geometry of a sliding window along one axis: input size, kernel, stride, padding before/after and output size.
/// Conv2D and the pooling layers share it, so Keras 'same', PyTorch ceil_mode and the ONNX pads agree everywhere.
/// </summary>
public readonly record struct Window(int Input, int Kernel, int Stride, int PadBefore, int PadAfter, int Output)
{
    public static Window Create(int input, int kernel, int stride, Padding padding, bool ceilMode, string owner)
    {
        if (kernel <= 0 || stride <= 0)
            throw new ArgumentException($"{owner}: expected a positive kernel and stride. Received kernel {kernel}, stride {stride}.");
        if (padding == Padding.Same)
        {
            int output = (input + stride - 1) / stride;
            int total = Math.Max((output - 1) * stride + kernel - input, 0);
            return new Window(input, kernel, stride, total / 2, total - total / 2, output);
        }
        if (input < kernel)
            throw new InvalidOperationException($"{owner}: expected an input of at least {kernel} cells for a {kernel}-wide valid " +
                $"window. Received {input}.");
        if (!ceilMode) return new Window(input, kernel, stride, 0, 0, (input - kernel) / stride + 1);
        // PyTorch ceil_mode: one more window when cells are left over, as long as it starts inside the input.
        int outCeil = (input - kernel + stride - 1) / stride + 1;
        if ((outCeil - 1) * stride >= input) outCeil--;
        int padAfter = Math.Max((outCeil - 1) * stride + kernel - input, 0);
        return new Window(input, kernel, stride, 0, padAfter, outCeil);
    }
}
