using CsCheck;
using MlNetFashion.Engine.Kernels;
using MlNetFashion.Engine.Tensors;

namespace MlNetFashion.Engine.Tests.Kernels;

/// <summary>Batch norm (plane path L ≥ 16, feature path L = 1, small planes) against its scalar twin, train and eval.</summary>
public class BatchNormKernelTests
{
    private static readonly Gen<(int Batch, int Channels, int Length, bool Training, int Seed)> Cases =
        Gen.Select(Gen.Int[2, 9], Gen.Int[1, 21], Gen.OneOf(Gen.Const(1), Gen.Int[2, 15], Gen.Int[16, 70]), Gen.Bool, Gen.Int[0, 10_000]);

    [Fact]
    public void ForwardBackward_RandomShapes_MatchReference()
    {
        foreach ((int batch, int channels, int length, bool training, int seed) in KernelCases.Sample(Cases, count: 120, seed: 31))
        {
            int size = batch * channels * length;
            float[] x = KernelCases.Random(size, seed, 2f), dy = KernelCases.Random(size, seed + 1);
            for (int i = 0; i < size; i++) x[i] += 0.7f; // a non-zero mean
            float[] gamma = KernelCases.Random(channels, seed + 2), beta = KernelCases.Random(channels, seed + 3);
            float[] runningMean = KernelCases.Random(channels, seed + 4),
                runningVar = [.. KernelCases.Random(channels, seed + 5).Select(v => v + 1.5f)];
            float[] refMean = (float[])runningMean.Clone(), refVar = (float[])runningVar.Clone();
            float[] y = new float[size], mean = new float[channels], invStd = new float[channels];
            float[] ey = new float[size], eMean = new float[channels], eInvStd = new float[channels];
            float[] dx = new float[size], dGamma = new float[channels], dBeta = new float[channels];
            float[] edx = new float[size], edGamma = new float[channels], edBeta = new float[channels];
            string what = $"batch {batch}, channels {channels}, length {length}, training {training}";

            ForwardBackward(new Arrays(x, y, gamma, beta, runningMean, runningVar, mean, invStd, dy, dx, dGamma, dBeta), batch, channels,
                length, training);
            BatchNormKernel.ForwardReference(x, batch, channels, length, gamma, beta, refMean, refVar, 0.1f, 1e-5f, training, eMean,
                eInvStd, ey);
            BatchNormKernel.BackwardReference(x, dy, batch, channels, length, gamma, eMean, eInvStd, training, edGamma, edBeta, edx);

            KernelCases.AssertClose(ey, y, $"{what} y", 1e-4);
            KernelCases.AssertClose(refMean, runningMean, $"{what} running mean", 1e-5);
            KernelCases.AssertClose(refVar, runningVar, $"{what} running var", 1e-5);
            KernelCases.AssertClose(edGamma, dGamma, $"{what} dgamma", 1e-4);
            KernelCases.AssertClose(edBeta, dBeta, $"{what} dbeta", 1e-4);
            KernelCases.AssertClose(edx, dx, $"{what} dx", 1e-4);
        }
    }

    [Theory]
    [InlineData(3, 5, 16, true)]
    [InlineData(4, 7, 49, true)]
    [InlineData(2, 3, 196, false)]
    public void ForwardBackward_FusedRelu_SameBitsAsSeparatePasses(int batch, int channels, int length, bool training)
    {
        int size = batch * channels * length;
        float[] x = KernelCases.Random(size, 5, 2f), dy = KernelCases.Random(size, 6);
        float[] gamma = KernelCases.Random(channels, 7), beta = KernelCases.Random(channels, 8);
        for (int i = 0; i < size; i += 3) x[i] = Math.Max(x[i], 0f);   // some inputs as a ReLU leaves them
        // Separate passes: ReLU after the batch norm's output (and its backward before the batch norm's), and the input's
        // ReLU backward after its dx.
        float[] y = Run(x, dy, gamma, beta, batch, channels, length, training, fused: false, out _, out _);
        Activations.Relu(y, y);
        float[] reluDy = new float[size];
        Activations.ReluBackward(y, dy, reluDy);
        Run(x, reluDy, gamma, beta, batch, channels, length, training, fused: false, out float[] dx, out float[] dParameters);
        Activations.ReluBackward(x, dx, dx);

        float[] fusedY = Run(x, dy, gamma, beta, batch, channels, length, training, fused: true, out float[] fusedDx,
            out float[] fusedDParameters);

        Assert.Equal(y.Select(BitConverter.SingleToInt32Bits), fusedY.Select(BitConverter.SingleToInt32Bits));
        Assert.Equal(dx.Select(BitConverter.SingleToInt32Bits), fusedDx.Select(BitConverter.SingleToInt32Bits));
        Assert.Equal(dParameters.Select(BitConverter.SingleToInt32Bits), fusedDParameters.Select(BitConverter.SingleToInt32Bits));
        Assert.Contains(reluDy, v => v == 0f);
        Assert.Contains(fusedDx, v => v == 0f);
        Assert.Contains(fusedY, v => v == 0f);
    }

    [Fact]
    public void SmallPlaneInputGradient_AnyLength_SameBitsAsScalarTwin()
    {
        var random = new EngineRandom(17);
        for (int length = 1; length < 16; length++)
            for (int trial = 0; trial < 50; trial++)
            {
                float[] x = KernelCases.Random(length, 100 * length + trial, 3f), dy = KernelCases.Random(length, 7 * trial + length);
                float mean = random.NextSingle() - 0.5f, invStd = 0.5f + 2 * random.NextSingle(), k = random.NextSingle() - 0.3f;
                double dGamma = random.NextGaussian() * 40, dBeta = random.NextGaussian() * 40;
                int m = 2 + random.Next(2000);
                float[] dx = new float[length], expected = new float[length];
                FeatureStatistics.InputGradient(x, dy, mean, invStd, k, dGamma, dBeta, m, dx);
                FeatureStatistics.InputGradientSerial(x, dy, mean, invStd, k, dGamma, dBeta, m, expected);
                Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), dx.Select(BitConverter.SingleToInt32Bits));
            }
    }

    [Theory]
    [InlineData(128, 4, true)]  // mcnn-paper's 2×2 maps
    [InlineData(5, 9, true)]
    [InlineData(7, 3, false)]
    public void ForwardBackward_SmallPlanesInGroupsOfFour_SameBitsAsOneChannelAlone(int batch, int length, bool training)
    {
        const int channels = 6;
        int size = batch * channels * length;
        float[] x = KernelCases.Random(size, 41, 2f), dy = KernelCases.Random(size, 42);
        float[] gamma = KernelCases.Random(channels, 43), beta = KernelCases.Random(channels, 44);
        for (int i = 0; i < size; i++) x[i] += 0.3f;
        float[] all = RunChannels(x, dy, gamma, beta, batch, channels, length, training);
        for (int c = 0; c < channels; c++)
        {
            float[] Channel(float[] values) =>
                [.. Enumerable.Range(0, batch).SelectMany(n => values.Skip((n * channels + c) * length).Take(length))];
            float[] expected = RunChannels(Channel(x), Channel(dy), [gamma[c]], [beta[c]], batch, 1, length, training);
            float[] actual = [.. Enumerable.Range(0, 3).SelectMany(k => Channel(all.Skip(k * size).Take(size).ToArray())),
                .. Enumerable.Range(0, 6).Select(k => all[3 * size + k * channels + c])];
            Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), actual.Select(BitConverter.SingleToInt32Bits));
        }
    }

    /// <summary>y, dx, dy's copy, then per channel: mean, invStd, running mean, running variance, dγ, dβ — all in one array.</summary>
    private static float[] RunChannels(float[] x, float[] dy, float[] gamma, float[] beta, int batch, int channels, int length,
        bool training)
    {
        float[] y = new float[x.Length], dx = new float[x.Length], mean = new float[channels], invStd = new float[channels];
        float[] runningMean = new float[channels], runningVar = [.. Enumerable.Repeat(1f, channels)];
        float[] dGamma = new float[channels], dBeta = new float[channels];
        ForwardBackward(new Arrays(x, y, gamma, beta, runningMean, runningVar, mean, invStd, dy, dx, dGamma, dBeta), batch, channels,
            length, training);
        return [.. y, .. dx, .. dy, .. mean, .. invStd, .. runningMean, .. runningVar, .. dGamma, .. dBeta];
    }

    private static float[] Run(float[] x, float[] dy, float[] gamma, float[] beta, int batch, int channels, int length,
        bool training, bool fused, out float[] dx, out float[] dParameters)
    {
        float[] y = new float[x.Length], mean = new float[channels], invStd = new float[channels];
        float[] runningMean = new float[channels], runningVar = [.. Enumerable.Repeat(1f, channels)];
        float[] dGamma = new float[channels], dBeta = new float[channels];
        dx = new float[x.Length];
        ForwardBackward(new Arrays(x, y, gamma, beta, runningMean, runningVar, mean, invStd, dy, dx, dGamma, dBeta), batch, channels,
            length, training, fused);
        dParameters = [.. dGamma, .. dBeta];
        return y;
    }

    [Theory]
    [InlineData(3, 5, 784)]
    [InlineData(4, 2, 49)]
    public unsafe void Forward_GivenPlaneSums_SameBitsAsSummingItself(int batch, int channels, int length)
    {
        int size = batch * channels * length;
        float[] x = KernelCases.Random(size, 21, 2f), gamma = KernelCases.Random(channels, 22), beta = KernelCases.Random(channels, 23);
        float[] planeSums = new float[2 * batch * channels];
        for (int plane = 0; plane < batch * channels; plane++)
        {
            ReadOnlySpan<float> values = x.AsSpan(plane * length, length);
            (planeSums[2 * plane], planeSums[2 * plane + 1]) = FusedPasses.SumAndDot(values, values);
        }
        // y, mean, 1/std, running mean and running variance, one after another.
        float[] Forward(float[]? sums)
        {
            float[] y = new float[size], runningMean = new float[channels], runningVar = [.. Enumerable.Repeat(1f, channels)];
            float[] mean = new float[channels], invStd = new float[channels];
            fixed (float* px = x, py = y, pg = gamma, pb = beta, prm = runningMean, prv = runningVar, pm = mean, ps = invStd, pp = sums)
            {
                BatchNormKernel.Forward(new BatchNormKernel.Buffers
                {
                    X = px, Y = py, Gamma = pg, Beta = pb, RunningMean = prm, RunningVar = prv, Mean = pm, InvStd = ps, Batch = batch,
                    Channels = channels, Length = length, Momentum = 0.1f, Epsilon = 1e-5f, PlaneSums = pp,
                }, training: true);
            }
            return [.. y, .. mean, .. invStd, .. runningMean, .. runningVar];
        }

        float[] expected = Forward(null), given = Forward(planeSums);

        Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), given.Select(BitConverter.SingleToInt32Bits));
        // The sums are read, not recomputed: different ones give a different mean.
        planeSums[0] += 1000f;
        Assert.NotEqual(expected[size], Forward(planeSums)[size]);
    }

    private sealed record Arrays(float[] X, float[] Y, float[] Gamma, float[] Beta, float[] RunningMean, float[] RunningVar, float[] Mean,
        float[] InvStd, float[] DY, float[] DX, float[] DGamma, float[] DBeta);

    /// <summary>The kernel's forward, then its backward with dx, on <paramref name="a"/> (momentum 0.1, epsilon 1e-5).</summary>
    private static unsafe void ForwardBackward(Arrays a, int batch, int channels, int length, bool training, bool fusedRelu = false)
    {
        fixed (float* px = a.X, py = a.Y, pg = a.Gamma, pb = a.Beta, prm = a.RunningMean, prv = a.RunningVar, pm = a.Mean, ps = a.InvStd,
            pdy = a.DY, pdx = a.DX, pdg = a.DGamma, pdb = a.DBeta)
        {
            var buffers = new BatchNormKernel.Buffers
            {
                X = px, Y = py, Gamma = pg, Beta = pb, RunningMean = prm, RunningVar = prv, Mean = pm, InvStd = ps,
                DY = pdy, DX = pdx, DGamma = pdg, DBeta = pdb, Batch = batch, Channels = channels, Length = length, Momentum = 0.1f,
                Epsilon = 1e-5f, ReluOutput = fusedRelu, ReluInput = fusedRelu,
            };
            BatchNormKernel.Forward(buffers, training);
            BatchNormKernel.Backward(buffers, training, needInputGradient: true);
        }
    }
}
