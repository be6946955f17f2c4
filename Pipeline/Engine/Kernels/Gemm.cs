namespace MlNetFashion.Engine.Kernels;

/// <summary>
/// Single-precision matrix multiply, row-major: C[M×N] = alpha · op(A)[M×K] · op(B)[K×N] + beta · C,
/// where op(X) is X or Xᵀ. lda/ldb/ldc are row strides of the matrices as stored.
/// Every convolution and dense layer ends up here.
/// </summary>
public static class Gemm
{
    public static void Multiply(bool transposeA, bool transposeB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
        => Reference(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);

    /// <summary>Scalar reference twin used by tests: the plain triple loop, accumulated in double.</summary>
    public static void Reference(bool transposeA, bool transposeB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = 0;
                for (int p = 0; p < k; p++)
                {
                    float av = transposeA ? a[p * lda + i] : a[i * lda + p];
                    float bv = transposeB ? b[j * ldb + p] : b[p * ldb + j];
                    sum += (double)av * bv;
                }
                float prior = beta == 0 ? 0 : beta * c[i * ldc + j];
                c[i * ldc + j] = (float)(alpha * sum) + prior;
            }
        }
    }
}
