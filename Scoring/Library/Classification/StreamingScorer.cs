using System.Diagnostics;

namespace MlNetFashion.Scoring.Classification;

/// <summary>How far a streaming run has come: images done (of the total), speed of this run, time left at that speed.</summary>
public sealed record ScoringProgress(long Done, long Total, double ImagesPerSecond)
{
    public TimeSpan? Remaining => ImagesPerSecond > 0 ? TimeSpan.FromSeconds((Total - Done) / ImagesPerSecond) : null;
}

/// <summary>
/// Scores an IDX images file of any size into a <see cref="PredictionFile"/>, a chunk at a time: memory stays at one chunk
/// of pixels and probabilities, every chunk's rows are on disk before the next is read, and a resumed run starts at the
/// first image without a complete row.
/// </summary>
public static class StreamingScorer
{
    /// <summary>Images per chunk: 8,192 × 784 bytes is 6.4 MB of pixels, and a crash loses at most this many rows.</summary>
    public const int DefaultChunkImages = 8192;

    /// <summary>Scores the images not yet in <paramref name="output"/>; returns how many this call scored.</summary>
    public static long Run(BatchScorer scorer, IdxImageStream images, PredictionFile output, Action<ScoringProgress>? progress = null,
        int chunkImages = DefaultChunkImages, CancellationToken cancellation = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkImages, 1);
        if (output.Rows > images.Count)
            throw new InvalidDataException($"the output already has {output.Rows:N0} rows, the images file only {images.Count:N0} images");
        images.Skip(output.Rows);
        var pixels = new byte[chunkImages * IdxImageStream.ImageBytes];
        long scored = 0;
        var clock = Stopwatch.StartNew();
        progress?.Invoke(new ScoringProgress(output.Rows, images.Count, 0));
        int n;
        while (!cancellation.IsCancellationRequested && (n = images.Read(pixels)) > 0)
        {
            output.Append(scorer.Score(pixels, n));
            scored += n;
            progress?.Invoke(new ScoringProgress(output.Rows, images.Count, scored / clock.Elapsed.TotalSeconds));
        }
        return scored;
    }
}
