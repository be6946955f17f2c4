using MlNetFashion.Engine.Kernels;
using MlNetFashion.Engine.Layers;

namespace MlNetFashion.Engine.Tests.Kernels;

/// <summary>Any convolution kernel's three passes against the direct definition (ConvolutionReference), on seeded random data.</summary>
public static class ConvolutionCheck
{
    public static void AgainstReference(IConvolutionKernel kernel, int batch, int channels, int filters, Window rows, Window cols,
        bool bias, int seed, string what)
    {
        int inputSize = batch * channels * rows.Input * cols.Input, outputSize = batch * filters * rows.Output * cols.Output;
        int weightSize = filters * channels * rows.Kernel * cols.Kernel;
        float[] x = KernelCases.Random(inputSize, seed), w = KernelCases.Random(weightSize, seed + 1);
        float[] b = bias ? KernelCases.Random(filters, seed + 2) : [];
        float[] dy = KernelCases.Random(outputSize, seed + 3);

        float[] y = new float[outputSize], expectedY = new float[outputSize];
        kernel.Forward(x, batch, w, b, y);
        ConvolutionReference.Forward(x, batch, channels, filters, rows, cols, w, b, expectedY);
        KernelCases.AssertClose(expectedY, y, $"{what} y", 1e-4);

        float[] dw = new float[weightSize], db = new float[filters], dx = new float[inputSize];
        float[] edw = new float[weightSize], edb = new float[filters], edx = new float[inputSize];
        kernel.Backward(x, batch, w, dy, dw, db, dx);
        ConvolutionReference.Backward(x, dy, batch, channels, filters, rows, cols, w, edw, edb, edx);
        KernelCases.AssertClose(edw, dw, $"{what} dW", 1e-4 * Math.Sqrt(batch));
        KernelCases.AssertClose(edb, db, $"{what} db", 1e-4 * Math.Sqrt(batch));
        KernelCases.AssertClose(edx, dx, $"{what} dx", 1e-4);
    }

    /// <summary>Skipping dx (a first layer) must not change dW.</summary>
    public static void WeightGradientWithoutInputGradient(IConvolutionKernel kernel, int batch, int channels, int filters, Window rows,
        Window cols)
    {
        float[] x = KernelCases.Random(batch * channels * rows.Input * cols.Input, 1),
            w = KernelCases.Random(filters * channels * rows.Kernel * cols.Kernel, 2);
        float[] dy = KernelCases.Random(batch * filters * rows.Output * cols.Output, 3);
        float[] dw1 = new float[w.Length], dw2 = new float[w.Length], db = new float[filters];
        kernel.Backward(x, batch, w, dy, dw1, db, new float[x.Length]);
        kernel.Backward(x, batch, w, dy, dw2, db, default);
        Assert.Equal(dw1, dw2);
    }
    /// <summary>
    /// A kernel that keeps transformed weights while the weights stay the same must notice an optimizer step, which
    /// changes them in place (3 channels, 4 filters, batch 2).
    /// </summary>
    public static void WeightsChangedInPlace(IConvolutionKernel kernel, Window rows, Window cols)
    {
        int plane = rows.Input * cols.Input;
        float[] x = KernelCases.Random(2 * 3 * plane, 1), w = KernelCases.Random(4 * 3 * 9, 2), y = new float[2 * 4 * plane],
            expected = new float[y.Length];
        kernel.Forward(x, 2, w, [], y);
        w[17] += 0.5f;
        w[^1] = -0f;
        kernel.Forward(x, 2, w, [], y);
        ConvolutionReference.Forward(x, 2, 3, 4, rows, cols, w, [], expected);
        KernelCases.AssertClose(expected, y, "forward after an in-place change", 1e-4);
        float[] dw = new float[w.Length], dx = new float[x.Length], edw = new float[w.Length], edb = new float[4],
            edx = new float[x.Length];
        float[] dy = KernelCases.Random(y.Length, 3);
        w[0] -= 0.25f; // between forward and backward too
        kernel.Backward(x, 2, w, dy, dw, default, dx);
        ConvolutionReference.Backward(x, dy, 2, 3, 4, rows, cols, w, edw, edb, edx);
        KernelCases.AssertClose(edx, dx, "dx after an in-place change", 1e-4);
    }
}
