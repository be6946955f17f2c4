using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace MlNetFashion.Engine.Kernels;

/// <summary>A bias over the rows of a matrix [N, U] (dense layers): add it to every row, or sum the rows (its gradient).</summary>
public static class RowBias
{
    /// <summary>matrix[n, u] += bias[u]</summary>
    public static void Add(Span<float> matrix, int rows, ReadOnlySpan<float> bias)
    {
        int units = bias.Length;
        for (int n = 0; n < rows; n++)
        {
            Span<float> row = matrix.Slice(n * units, units);
            TensorPrimitives.Add(row, bias, row);
        }
    }

    /// <summary>sums[u] = Σₙ matrix[n, u]</summary>
    public static void SumRows(ReadOnlySpan<float> matrix, int rows, Span<float> sums)
    {
        int units = sums.Length;
        sums.Clear();
        for (int n = 0; n < rows; n++) TensorPrimitives.Add(sums, matrix.Slice(n * units, units), sums);
    }

    /// <summary>Scalar reference twin of <see cref="Add"/>.</summary>
    public static void AddReference(Span<float> matrix, int rows, ReadOnlySpan<float> bias)
    {
        for (int n = 0; n < rows; n++) for (int u = 0; u < bias.Length; u++) matrix[n * bias.Length + u] += bias[u];
    }

    /// <summary>Scalar reference twin of <see cref="SumRows"/> (double accumulation).</summary>
    public static void SumRowsReference(ReadOnlySpan<float> matrix, int rows, Span<float> sums)
    {
        for (int u = 0; u < sums.Length; u++)
        {
            double sum = 0;
            for (int n = 0; n < rows; n++) sum += matrix[n * sums.Length + u];
            sums[u] = (float)sum;
        }
    }
}
