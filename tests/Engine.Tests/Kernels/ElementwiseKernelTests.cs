using CsCheck;
using MlNetFashion.Engine.Kernels;
using MlNetFashion.Engine.Tensors;
using MlNetFashion.Engine.Tests.Harness;

namespace MlNetFashion.Engine.Tests.Kernels;

/// <summary>Activations, affine, layout moves, row bias and softmax cross-entropy against their scalar twins (odd lengths).</summary>
public class ElementwiseKernelTests
{
    private static readonly Gen<(int Length, int Seed)> Lengths =
        Gen.Select(Gen.OneOf(Gen.Int[0, 40], Gen.Int[200, 1100]), Gen.Int[0, 10_000]);

    [Fact]
    public void Activations_RandomLengths_MatchReference()
    {
        foreach ((int length, int seed) in KernelCases.Sample(Lengths, 60, seed: 41))
        {
            float[] x = KernelCases.Random(length, seed), dy = KernelCases.Random(length, seed + 1);
            foreach (float alpha in new[] { 0f, 0.01f, 0.3f })
            {
                float[] y = new float[length], expected = new float[length];
                if (alpha == 0) Activations.Relu(x, y);
                else Activations.LeakyRelu(x, alpha, y);
                Activations.LeakyReluReference(x, alpha, expected);
                Assert.Equal(expected, y);
                float[] dx = new float[length], expectedDx = new float[length];
                Activations.LeakyReluBackward(y, dy, alpha, dx);
                Activations.LeakyReluBackwardReference(y, dy, alpha, expectedDx);
                Assert.Equal(expectedDx, dx);
            }
        }
    }

    [Theory]
    [InlineData(65_536)]
    [InlineData(200_003)]
    public void Activations_LongSpansOnThePool_MatchReference(int length)
    {
        float[] x = KernelCases.Random(length, length), dy = KernelCases.Random(length, length + 1);
        float[] y = new float[length], expected = new float[length], dx = new float[length], expectedDx = new float[length];
        Activations.LeakyRelu(x, 0.1f, y);
        Activations.LeakyReluReference(x, 0.1f, expected);
        Assert.Equal(expected, y);
        Activations.LeakyReluBackward(y, dy, 0.1f, dx);
        Activations.LeakyReluBackwardReference(y, dy, 0.1f, expectedDx);
        Assert.Equal(expectedDx, dx);
        Activations.Relu(x, y);
        Activations.LeakyReluReference(x, 0f, expected);
        Assert.Equal(expected, y);
    }

    [Fact]
    public void Affine_RandomLengths_MatchesReference()
    {
        foreach ((int length, int seed) in KernelCases.Sample(Lengths, 60, seed: 43))
        {
            float[] x = KernelCases.Random(length, seed), y = new float[length], expected = new float[length];
            Affine.Apply(x, 1.7f, -0.3f, y);
            Affine.Reference(x, 1.7f, -0.3f, expected);
            KernelCases.AssertClose(expected, y, $"affine length {length}");
        }
    }

    [Fact]
    public void AffineReluBackward_RandomLengths_SameBitsAsReluBackwardOnTheAffineOutput()
    {
        foreach ((int length, int seed) in KernelCases.Sample(Lengths, 60, seed: 44))
        {
            // a·x + b is exactly 0 where x = 0.5 (masked off: 0·dy, −0 for a negative dy), and dy holds a NaN.
            const float a = 2f, b = -1f;
            float[] x = KernelCases.Random(length, seed), dy = KernelCases.Random(length, seed + 1);
            for (int i = 0; i < length; i += 7) x[i] = 0.5f;
            if (length > 3) dy[3] = float.NaN;
            float[] y = new float[length], expected = new float[length], reference = new float[length];
            Affine.Apply(x, a, b, y);
            Activations.Relu(y, y);
            Activations.LeakyReluBackwardSerial(y, dy, 0f, expected);
            Affine.ReluBackwardReference(x, a, b, dy, reference);
            float[] dx = new float[length], inPlace = (float[])dy.Clone();
            Affine.ReluBackward(x, a, b, dy, dx);
            Affine.ReluBackward(x, a, b, inPlace, inPlace);

            BitAssert.Equal(expected, dx, $"affine ReLU backward, length {length}");
            BitAssert.Equal(expected, inPlace, $"affine ReLU backward in place, length {length}");
            BitAssert.Equal(expected, reference, $"affine ReLU backward reference, length {length}");
        }
    }

    [Fact]
    public void FusedPasses_RandomLengths_MatchReferences()
    {
        foreach ((int length, int seed) in KernelCases.Sample(Lengths, 60, seed: 61))
        {
            float[] a = KernelCases.Random(length, seed), b = KernelCases.Random(length, seed + 1);
            (float sum, float dot) = FusedPasses.SumAndDot(a, b);
            (float expectedSum, float expectedDot) = FusedPasses.SumAndDotReference(a, b);
            KernelCases.AssertClose([expectedSum, expectedDot], [sum, dot], $"sum and dot, length {length}", 1e-4);
            float[] z = new float[length], expected = new float[length];
            FusedPasses.Combine(a, 0.7f, b, -1.3f, 0.25f, z);
            FusedPasses.CombineReference(a, 0.7f, b, -1.3f, 0.25f, expected);
            KernelCases.AssertClose(expected, z, $"combine, length {length}");
        }
    }

    [Fact]
    public void ChannelMajor_RandomShapes_MatchReferences()
    {
        var gen = Gen.Select(Gen.Int[1, 6], Gen.Int[1, 9], Gen.Int[1, 50], Gen.Bool, Gen.Int[0, 1000]);
        foreach ((int batch, int channels, int length, bool bias, int seed) in KernelCases.Sample(gen, 60, seed: 47))
        {
            int size = batch * channels * length;
            float[] src = KernelCases.Random(size, seed), b = bias ? KernelCases.Random(channels, seed + 1) : [];
            float[] dst = new float[size], expected = new float[size];
            ChannelMajor.ToBatchMajor(src, b, batch, channels, length, dst);
            ChannelMajor.ToBatchMajorReference(src, b, batch, channels, length, expected);
            KernelCases.AssertClose(expected, dst, "to batch-major");

            float[] sums = new float[channels], expectedSums = new float[channels];
            ChannelMajor.ToChannelMajor(src, batch, channels, length, dst, sums);
            ChannelMajor.ToChannelMajorReference(src, batch, channels, length, expected, expectedSums);
            Assert.Equal(expected, dst);
            KernelCases.AssertClose(expectedSums, sums, "channel sums");
        }
    }

    [Fact]
    public void RowBias_RandomShapes_MatchesReference()
    {
        var gen = Gen.Select(Gen.Int[1, 40], Gen.Int[1, 70], Gen.Int[0, 1000]);
        foreach ((int rows, int units, int seed) in KernelCases.Sample(gen, 60, seed: 53))
        {
            float[] matrix = KernelCases.Random(rows * units, seed), bias = KernelCases.Random(units, seed + 1);
            float[] expected = (float[])matrix.Clone();
            RowBias.Add(matrix, rows, bias);
            RowBias.AddReference(expected, rows, bias);
            KernelCases.AssertClose(expected, matrix, "row bias");
            float[] sums = new float[units], expectedSums = new float[units];
            RowBias.SumRows(matrix, rows, sums);
            RowBias.SumRowsReference(matrix, rows, expectedSums);
            KernelCases.AssertClose(expectedSums, sums, "row sums");
        }
    }

    [Fact]
    public void SoftmaxCrossEntropy_RandomLogits_MatchesReference()
    {
        // Half the cases with CutMix's second labels and share λ, half with the labels alone.
        var smoothings = Gen.OneOf(Gen.Const(0f), Gen.Const(0.1f), Gen.Const(0.3f));
        var gen = Gen.Select(Gen.Int[1, 20], Gen.Int[2, 33], smoothings, Gen.Single[0f, 1f], Gen.Bool, Gen.Int[0, 1000]);
        foreach ((int batch, int classes, float smoothing, float share, bool mixes, int seed) in KernelCases.Sample(gen, 80, seed: 59))
        {
            float[] logits = KernelCases.Random(batch * classes, seed, 8f);
            int[] labels = [.. Enumerable.Range(0, batch).Select(i => (i * 7 + seed) % classes)];
            int[] mixed = mixes ? [.. Enumerable.Range(0, batch).Select(i => (i * 3 + seed / 7) % classes)] : [];
            float mix = mixes ? share : 1f;
            float[] p = new float[logits.Length], expectedP = new float[logits.Length];
            double loss = SoftmaxCrossEntropyKernel.Forward(logits, labels, mixed, mix, classes, smoothing, p);
            double expectedLoss = SoftmaxCrossEntropyKernel.ForwardReference(logits, labels, mixed, mix, classes, smoothing, expectedP);
            KernelCases.AssertClose([(float)expectedLoss], [(float)loss], "loss", 1e-5);
            KernelCases.AssertClose(expectedP, p, "probabilities");
            float[] g = new float[logits.Length], expectedG = new float[logits.Length];
            SoftmaxCrossEntropyKernel.Backward(p, labels, mixed, mix, classes, smoothing, 1f / batch, g);
            SoftmaxCrossEntropyKernel.BackwardReference(p, labels, mixed, mix, classes, smoothing, 1f / batch, expectedG);
            KernelCases.AssertClose(expectedG, g, "gradient");
        }
    }

    [Theory]
    [InlineData(0.25f)]
    [InlineData(0.5f)]
    public void DropoutMask_ManyDraws_KeepsOneMinusRateScaled(float rate)
    {
        var mask = new float[100_003];
        DropoutMask.Fill(mask, rate, new EngineRandom(5));
        float scale = 1f / (1 - rate);
        Assert.All(mask, v => Assert.True(v == 0 || v == scale, $"expected 0 or {scale}, received {v}"));
        double kept = mask.Count(v => v != 0) / (double)mask.Length;
        Assert.InRange(kept, 1 - rate - 0.01, 1 - rate + 0.01);
    }
    [Theory]
    [InlineData(0f)]
    [InlineData(0.25f)]
    [InlineData(0.5f)]
    [InlineData(0.9f)]
    public void DropoutMaskFillAndApply_AnyLength_SameBitsAndDrawsAsFillThenMultiplyBothWays(float rate)
    {
        foreach (int length in new[] { 0, 1, 3, 4, 15, 16, 17, 33, 1000, 100_003 })
        {
            float[] x = KernelCases.Random(length, length + 1);
            if (length > 3) (x[0], x[1], x[2]) = (-0f, float.NaN, -x[2]);
            var (first, second) = (new EngineRandom(11), new EngineRandom(11));
            float[] mask = new float[length], expectedY = new float[length], y = new float[length];
            DropoutMask.Fill(mask, rate, first);
            for (int i = 0; i < length; i++) expectedY[i] = x[i] * mask[i];
            ushort[] keep = new ushort[DropoutMask.KeepWords(length)];
            DropoutMask.FillAndApply(x, keep, rate, second, y);
            Assert.Equal(Bits(expectedY), Bits(y));
            Assert.Equal(first.NextUInt64(), second.NextUInt64());
            Assert.Equal(mask.Select(v => v != 0), Enumerable.Range(0, length).Select(i => (keep[i / 16] >> (i % 16) & 1) == 1));

            // The backward from the bits: dy·mask.
            float[] dy = KernelCases.Random(length, length + 2), expectedDx = new float[length], dx = new float[length];
            for (int i = 0; i < length; i++) expectedDx[i] = dy[i] * mask[i];
            DropoutMask.Apply(dy, keep, rate, dx);
            Assert.Equal(Bits(expectedDx), Bits(dx));
        }
    }

    private static int[] Bits(float[] values) => [.. values.Select(BitConverter.SingleToInt32Bits)];
}
