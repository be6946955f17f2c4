namespace MlNetFashion.Scoring.Imaging;

/// <summary>
/// The k-th smallest of a set of values in O(n) (quickselect) where the preprocessing needs one percentile of ~14,000
/// border pixels per step: the value a full sort would put at index k, without the O(n log n) sort.
/// </summary>
internal static class OrderStatistics
{
    /// <summary>
    /// The value at index <paramref name="k"/> of <paramref name="values"/> sorted ascending (no NaN), reordering them
    /// in place: afterwards values[..k] ≤ values[k] ≤ values[(k + 1)..].
    /// </summary>
    public static float Select(Span<float> values, int k)
    {
        if ((uint)k >= (uint)values.Length)
            throw new ArgumentOutOfRangeException(nameof(k), $"expected an index below {values.Length}, received {k}");
        int left = 0, right = values.Length - 1;
        for (int rounds = 0; left < right; rounds++)
        {
            // Adversarial orders could make quickselect quadratic: after 64 rounds the rest is sorted instead.
            if (rounds == 64)
            {
                values[left..(right + 1)].Sort();
                break;
            }
            float pivot = MedianOfThree(values[left], values[left + (right - left) / 2], values[right]);
            int i = left, j = right;
            while (i <= j)
            {
                while (values[i] < pivot) i++;
                while (values[j] > pivot) j--;
                if (i > j) break;
                (values[i], values[j]) = (values[j], values[i]);
                i++;
                j--;
            }
            // Now values[left..j] ≤ pivot ≤ values[i..right], and values[(j + 1)..(i − 1)] equal the pivot.
            if (k <= j) right = j;
            else if (k >= i) left = i;
            else break;
        }
        return values[k];
    }

    /// <summary>
    /// The median as a sort defines it: the middle value, or the mean of the two middle ones (in float) for an even
    /// count; 0 for none. Reorders <paramref name="values"/>.
    /// </summary>
    public static float Median(Span<float> values)
    {
        if (values.Length == 0) return 0;
        int mid = values.Length / 2;
        float upper = Select(values, mid);
        if (values.Length % 2 == 1) return upper;
        // After Select, the lower middle value is the largest of values[..mid].
        float lower = values[0];
        foreach (float v in values[1..mid]) if (v > lower) lower = v;
        return (lower + upper) / 2;
    }

    private static float MedianOfThree(float a, float b, float c) =>
        a < b ? (b < c ? b : Math.Max(a, c)) : (a < c ? a : Math.Max(b, c));
}
