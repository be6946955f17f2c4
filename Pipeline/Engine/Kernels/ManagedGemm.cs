using System.Buffers;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace MlNetFashion.Engine.Kernels;

/// <summary>
/// The managed SGEMM used when OpenBLAS is absent: op(A) and op(B) are packed row-major once, then each row block of
/// C is accumulated as C[i,:] += A[i,p] · B[p,:] with SIMD FMA (TensorPrimitives.MultiplyAdd), rows split across
/// the engine's threads. Simple and exact enough; OpenBLAS is the fast path.
/// </summary>
internal static class ManagedGemm
{
    public static void Multiply(bool transposeA, bool transposeB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        float[] packA = ArrayPool<float>.Shared.Rent(m * k);
        float[] packB = ArrayPool<float>.Shared.Rent(k * n);
        float[] result = ArrayPool<float>.Shared.Rent(m * n);
        try
        {
            Pack(transposeA, m, k, a, lda, packA);
            Pack(transposeB, k, n, b, ldb, packB);
            Parallelism.For(m, new RowBlock(packA, packB, result, n, k));
            for (int i = 0; i < m; i++)
            {
                Span<float> row = c.Slice(i * ldc, n);
                ReadOnlySpan<float> sum = result.AsSpan(i * n, n);
                if (beta == 0) TensorPrimitives.Multiply(sum, alpha, row);
                else
                {
                    TensorPrimitives.Multiply(row, beta, row);
                    TensorPrimitives.MultiplyAdd(sum, alpha, row, row);
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(packA);
            ArrayPool<float>.Shared.Return(packB);
            ArrayPool<float>.Shared.Return(result);
        }
    }

    /// <summary>Writes op(X) [rows × cols] row-major and dense into <paramref name="dest"/>.</summary>
    private static void Pack(bool transpose, int rows, int cols, ReadOnlySpan<float> x, int ld, Span<float> dest)
    {
        for (int r = 0; r < rows; r++)
        {
            Span<float> d = dest.Slice(r * cols, cols);
            if (!transpose) x.Slice(r * ld, cols).CopyTo(d);
            else for (int q = 0; q < cols; q++) d[q] = x[q * ld + r];
        }
    }

    private readonly struct RowBlock(float[] a, float[] b, float[] c, int n, int k) : IParallelRange
    {
        public void Execute(int start, int end)
        {
            for (int i = start; i < end; i++)
            {
                Span<float> row = c.AsSpan(i * n, n);
                row.Clear();
                for (int p = 0; p < k; p++)
                {
                    float av = a[i * k + p];
                    if (av != 0) TensorPrimitives.MultiplyAdd(b.AsSpan(p * n, n), av, row, row);
                }
            }
        }
    }
}
