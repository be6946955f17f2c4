using System.Diagnostics;

namespace MlNetFashion.Scoring.Classification;

/// <summary>How far a streaming run has come: images done (of the total), speed of this run, time left at that speed.</summary>
public sealed record ScoringProgress(long Done, long Total, double ImagesPerSecond)
{
    public TimeSpan? Remaining => ImagesPerSecond > 0 ? TimeSpan.FromSeconds((Total - Done) / ImagesPerSecond) : null;
}

/// <summary>
/// Scores an IDX images file, or a folder of image files, of any size into a <see cref="PredictionFile"/>, a chunk at a
/// time: memory stays at one chunk of pixels and probabilities, every chunk's rows are on disk before the next is read,
/// and a resumed run starts at the first image without a complete row.
/// </summary>
public static class StreamingScorer
{
    /// <summary>Images per chunk: 8,192 × 784 bytes is 6.4 MB of pixels, and a crash loses at most this many rows.</summary>
    public const int DefaultChunkImages = 8192;

    /// <summary>
    /// Image files per chunk: decoding dominates, so a chunk is small (a crash redoes at most this many) and still keeps
    /// every core busy.
    /// </summary>
    public const int DefaultFileChunkImages = 1024;

    /// <summary>Scores the images not yet in <paramref name="output"/>; returns how many this call scored.</summary>
    public static long Run(BatchScorer scorer, IdxImageStream images, PredictionFile output, Action<ScoringProgress>? progress = null,
        int chunkImages = DefaultChunkImages, CancellationToken cancellation = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkImages, 1);
        if (output.Rows > images.Count)
            throw new InvalidDataException(
                $"{output.FilePath}: already has {output.Rows:N0} rows, the images file only {images.Count:N0} images");
        images.Skip(output.Rows);
        var pixels = new byte[chunkImages * IdxImageStream.ImageBytes];
        long scored = 0;
        var clock = Stopwatch.StartNew();
        progress?.Invoke(new ScoringProgress(output.Rows, images.Count, 0));
        // A chunk's rows are formatted and flushed to disk while the next chunk is read and scored; one write at a time,
        // awaited before the next starts, so rows still reach the file in order and whole chunks at a time.
        Task writing = Task.CompletedTask;
        int n;
        try
        {
            while (!cancellation.IsCancellationRequested && (n = images.Read(pixels)) > 0)
            {
                BatchScorer.Scores scores = scorer.Score(pixels, n);
                writing.GetAwaiter().GetResult();
                int count = n;
                writing = Task.Run(() =>
                {
                    output.Append(scores);
                    scored += count;
                    progress?.Invoke(new ScoringProgress(output.Rows, images.Count, scored / clock.Elapsed.TotalSeconds));
                });
            }
        }
        finally
        {
            // Also when scoring failed: the rows already scored are written before the error surfaces.
            writing.GetAwaiter().GetResult();
        }
        return scored;
    }

    /// <summary>
    /// Scores the files of <paramref name="images"/> not yet in <paramref name="output"/> (opened with files: true),
    /// decoding a chunk of them in parallel. A file that cannot be read or is not a usable image
    /// (<see cref="Imaging.ImageRejectedException"/>) gets a row with its error instead of a prediction, and the run goes on.
    /// Before going on, the last row's file must be the walk's file at that place: otherwise the folder changed since.
    /// Returns how many files this call scored and how many of them were errors.
    /// </summary>
    public static (long Scored, long Errors) Run(BatchScorer scorer, Data.ImageFileWalk images, PredictionFile output,
        Action<ScoringProgress>? progress = null, int chunkImages = DefaultFileChunkImages, CancellationToken cancellation = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkImages, 1);
        long total = images.Count;
        if (output.Rows > total)
            throw new InvalidDataException($"{output.FilePath}: already has {output.Rows:N0} rows, {images.Folder} only {total:N0} images");
        using IEnumerator<string> files = images.Files().GetEnumerator();
        string? previous = null;
        for (int i = 0; i < output.Rows; i++) previous = files.MoveNext() ? files.Current : null;
        if (output.Rows > 0 && (previous is null || output.AsWritten(previous) != output.LastFile))
            throw new InvalidDataException($"{output.FilePath}: row {output.Rows - 1:N0} is {output.LastFile}, "
                + $"but image {output.Rows - 1:N0} of {images.Folder} is now {previous ?? "(none)"}: the folder changed since");
        int k = scorer.Classes.Count;
        var chunk = new List<string>(chunkImages);
        var pixels = new byte[chunkImages * IdxImageStream.ImageBytes];
        // A chunk's rows, file by file: the decoded images' scores spread back to their files' places.
        var rows = new BatchScorer.Scores(new float[chunkImages * k], new double[chunkImages], new bool[chunkImages], scorer.OwnClasses);
        var errors = new string?[chunkImages];
        long scored = 0, failed = 0;
        var clock = Stopwatch.StartNew();
        progress?.Invoke(new ScoringProgress(output.Rows, total, 0));
        while (!cancellation.IsCancellationRequested)
        {
            chunk.Clear();
            while (chunk.Count < chunkImages && files.MoveNext()) chunk.Add(files.Current);
            if (chunk.Count == 0) break;
            // Decoded in parallel; the images that decoded are packed first so one batch call scores them all.
            var decoded = new byte[chunk.Count][];
            Parallel.For(0, chunk.Count, Imaging.ImageDecoder.OnePerCore, i =>
            {
                string path = Path.Combine(images.Folder, chunk[i]);
                try
                {
                    decoded[i] = Imaging.ImagePreprocessor.Preprocess(Imaging.EncodedImage.ReadFile(path, chunk[i]), chunk[i]).Pixels;
                    errors[i] = null;
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    // Every error names the file as the row does (relative), once.
                    bool named = ex.Message.StartsWith(chunk[i], StringComparison.Ordinal)
                        || ex.Message.StartsWith(path, StringComparison.Ordinal);
                    errors[i] = named ? ex.Message : $"{chunk[i]}: {ex.Message}";
                }
            });
            int good = 0;
            for (int i = 0; i < chunk.Count; i++)
                if (errors[i] is null) decoded[i].CopyTo(pixels.AsSpan(good++ * IdxImageStream.ImageBytes));
            BatchScorer.Scores scores = good > 0 ? scorer.Score(pixels, good) : BatchScorer.Scores.None;
            for (int i = 0, next = 0; i < chunk.Count; i++)
            {
                if (errors[i] is not null)
                {
                    failed++;
                    continue;
                }
                scores.Probabilities.AsSpan(next * k, k).CopyTo(rows.Probabilities.AsSpan(i * k, k));
                rows.InDistributionScores[i] = scores.InDistributionScores[next];
                rows.IsKnownClass[i] = scores.IsKnownClass[next++];
            }
            output.AppendFiles(chunk, rows, errors);
            scored += chunk.Count;
            progress?.Invoke(new ScoringProgress(output.Rows, total, scored / clock.Elapsed.TotalSeconds));
        }
        return (scored, failed);
    }
}
