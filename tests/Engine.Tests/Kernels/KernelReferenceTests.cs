using CsCheck;
using MlNetFashion.Engine.Kernels;
using MlNetFashion.Engine.Layers;

namespace MlNetFashion.Engine.Tests.Kernels;

/// <summary>The SIMD / threaded kernels against their scalar reference twins on random shapes.</summary>
public class KernelReferenceTests
{
    private static readonly Gen<(int N, int C, int H, int W, int K, int S, bool Same, bool Ceil)> Geometry =
        Gen.Select(Gen.Int[1, 3], Gen.Int[1, 4], Gen.Int[3, 11], Gen.Int[3, 11], Gen.Int[1, 3], Gen.Int[1, 3], Gen.Bool, Gen.Bool)
            .Select(t => (t.Item1, t.Item2, t.Item3, t.Item4, t.Item5, t.Item6, t.Item7, t.Item8 && !t.Item7));

    [Fact]
    public void Im2ColUnfoldAndFold_RandomGeometry_EqualReference()
    {
        Geometry.Sample(g =>
        {
            Window rows = Window.Create(g.H, g.K, g.S, g.Same ? Padding.Same : Padding.Valid, false, "test");
            Window cols = Window.Create(g.W, g.K, g.S, g.Same ? Padding.Same : Padding.Valid, false, "test");
            var random = new Random(g.H * 31 + g.W);
            float[] x = [.. Enumerable.Range(0, g.N * g.C * g.H * g.W).Select(_ => (float)random.NextDouble())];
            int colLength = g.C * g.K * g.K * g.N * rows.Output * cols.Output;
            float[] col = new float[colLength], colRef = new float[colLength];
            Im2Col.Unfold(x, g.N, g.C, rows, cols, col);
            Im2Col.UnfoldReference(x, g.N, g.C, rows, cols, colRef);
            if (!col.SequenceEqual(colRef)) return false;
            float[] back = new float[x.Length], backRef = new float[x.Length];
            Im2Col.Fold(col, g.N, g.C, rows, cols, back);
            Im2Col.FoldReference(col, g.N, g.C, rows, cols, backRef);
            return back.Zip(backRef).All(p => Math.Abs(p.First - p.Second) < 1e-5f);
        }, iter: 200, seed: "0A1cHlxyUtZ0");
    }

    [Fact]
    public void MaxPool_RandomGeometry_EqualsReference()
    {
        Geometry.Where(g => g.H >= g.K + 1 && g.W >= g.K + 1).Sample(g =>
        {
            int k = g.K + 1;
            Padding padding = g.Same ? Padding.Same : Padding.Valid;
            Window rows = Window.Create(g.H, k, g.S, padding, g.Ceil, "test"), cols = Window.Create(g.W, k, g.S, padding, g.Ceil, "test");
            var random = new Random(g.H * 7 + g.W);
            float[] x = [.. Enumerable.Range(0, g.N * g.C * g.H * g.W).Select(_ => (float)random.NextDouble())];
            int outputs = g.N * g.C * rows.Output * cols.Output;
            float[] y = new float[outputs], yRef = new float[outputs];
            PoolKernel.MaxForward(x, g.N * g.C, rows, cols, y, new int[outputs]);
            PoolKernel.MaxReference(x, g.N * g.C, rows, cols, yRef);
            return y.SequenceEqual(yRef);
        }, iter: 200, seed: "0A1cHlxyUtZ0");
    }

    [Fact]
    public void LeakyReluBackward_RandomLengths_EqualsReference()
    {
        Gen.Int[0, 100].Sample(length =>
        {
            var random = new Random(length);
            float[] y = [.. Enumerable.Range(0, length).Select(_ => (float)(random.NextDouble() - 0.5))];
            float[] dy = [.. Enumerable.Range(0, length).Select(_ => (float)random.NextDouble())];
            float[] dx = new float[length], dxRef = new float[length];
            Activations.LeakyReluBackward(y, dy, 0.1f, dx);
            Activations.LeakyReluBackwardReference(y, dy, 0.1f, dxRef);
            return dx.SequenceEqual(dxRef);
        }, iter: 100);
    }

    [Fact]
    public void ParallelFor_CoversEveryIndexOnceAndPropagatesErrors()
    {
        var hits = new int[1000];
        Parallelism.For(hits.Length, new Mark(hits));
        Assert.All(hits, h => Assert.Equal(1, h));
        Assert.Throws<InvalidOperationException>(() => Parallelism.For(10, new Fail()));
    }

    private readonly struct Mark(int[] hits) : IParallelRange
    {
        public void Execute(int start, int end)
        {
            for (int i = start; i < end; i++) Interlocked.Increment(ref hits[i]);
        }
    }

    private readonly struct Fail : IParallelRange
    {
        public void Execute(int start, int end) => throw new InvalidOperationException("boom");
    }
}
