using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using MlNetFashion.Engine.IO;
using MlNetFashion.Engine.Models;
using MlNetFashion.Engine.Training;

namespace MlNetFashion.Engine.Checkpoints;

/// <summary>
/// A training checkpoint: weights, batch-norm statistics, optimizer state, RNG state, epoch (and, after an interrupt,
/// the position inside the epoch), history, the run's options and, with weight averaging, the average and its step count —
/// enough to resume bit-for-bit. Format (little-endian):
/// <c>"MLNFCKPT" | uint32 headerLength | UTF-8 JSON header | float32 payload</c>; the header lists every tensor
/// (group, index, length) in payload order. Written to a temp file, flushed, then renamed.
/// </summary>
public static class CheckpointFile
{
    private static readonly byte[] Magic = "MLNFCKPT"u8.ToArray();

    public sealed record Header(int Version, int Epoch, long OptimizerSteps, string[] RandomState, float LearningRateScale,
        int BestEpoch, float BestScore, string OptionsJson, List<EpochMetrics> History, int[] WeightLengths, int[] OptimizerLengths,
        PartialEpoch? Interrupted = null, long[]? ParameterSteps = null, int[]? AverageLengths = null, long AverageSteps = 0);

    /// <summary>
    /// Before the first epoch ends the best score is −∞ (and a diverging history may hold NaN): written as "-Infinity".
    /// </summary>
    private static readonly JsonSerializerOptions Json = new()
    {
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static void Save(string path, EngineTrainer trainer, string optionsJson)
    {
        // After a Fit the model holds the average; a checkpoint holds the trained weights beside it, to train on from them.
        bool averageIn = trainer.Average is { IsSwappedIn: true };
        if (averageIn) trainer.Average!.SwapOut();
        var weights = WeightsSnapshot.Capture(trainer.Model).Values;
        if (averageIn) trainer.Average!.SwapIn();
        var optimizer = trainer.Optimizer.GetState();
        IReadOnlyList<float[]> average = trainer.Average?.Values ?? [];
        ResumeState state = trainer.State;
        var header = new Header(1, state.CompletedEpochs, trainer.Optimizer.Steps, [.. trainer.Random.GetState().Select(s => s.ToString())],
            state.LearningRateScale, state.BestEpoch, state.BestScore, optionsJson, [.. state.History],
            [.. weights.Select(w => w.Length)], [.. optimizer.Select(o => o.Length)], state.Interrupted,
            [.. trainer.Optimizer.ParameterSteps],
            trainer.Average is null ? null : [.. average.Select(a => a.Length)], trainer.Average?.Steps ?? 0);
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(header, Json);
        AtomicFile.Write(path, stream =>
        {
            stream.Write(Magic);
            Span<byte> length = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(length, (uint)json.Length);
            stream.Write(length);
            stream.Write(json);
            foreach (float[] tensor in weights.Concat(optimizer).Concat(average)) stream.Write(MemoryMarshal.AsBytes(tensor.AsSpan()));
        });
    }

    /// <summary>
    /// Reads and validates a checkpoint; throws InvalidDataException naming the file on any damage. <c>Average</c> is the
    /// weight average (null for a run without one).
    /// </summary>
    public static (Header Header, IReadOnlyList<float[]> Weights, IReadOnlyList<float[]> Optimizer, IReadOnlyList<float[]>? Average)
        Read(string path)
    {
        string name = Path.GetFileName(path);
        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length < 12 || !bytes.AsSpan(0, 8).SequenceEqual(Magic))
            throw new InvalidDataException($"{name}: not an MlNetFashion checkpoint (expected magic MLNFCKPT)");
        int headerLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8));
        if (headerLength <= 0 || 12L + headerLength > bytes.Length) throw new InvalidDataException($"{name}: truncated checkpoint header");
        Header header;
        try
        {
            header = JsonSerializer.Deserialize<Header>(bytes.AsSpan(12, headerLength), Json)
                ?? throw new InvalidDataException($"{name}: empty checkpoint header");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{name}: corrupt checkpoint header ({ex.Message})", ex);
        }
        long expected = 12L + headerLength + 4L * (header.WeightLengths.Sum(l => (long)l) + header.OptimizerLengths.Sum(l => (long)l)
            + (header.AverageLengths ?? []).Sum(l => (long)l));
        if (bytes.LongLength != expected)
            throw new InvalidDataException($"{name}: expected {expected:N0} bytes, found {bytes.LongLength:N0} (truncated or corrupt)");
        int offset = 12 + headerLength;
        List<float[]> Take(int[] lengths)
        {
            var list = new List<float[]>();
            foreach (int length in lengths)
            {
                list.Add(MemoryMarshal.Cast<byte, float>(bytes.AsSpan(offset, length * 4)).ToArray());
                offset += length * 4;
            }
            return list;
        }
        var weights = Take(header.WeightLengths);
        var optimizer = Take(header.OptimizerLengths);
        return (header, weights, optimizer, header.AverageLengths is null ? null : Take(header.AverageLengths));
    }

    /// <summary>
    /// Restores a checkpoint into a trainer built for the same model and options; <paramref name="accept"/> sees the
    /// header first and may throw to refuse it (a run with other settings), before anything of the trainer changes.
    /// </summary>
    public static Header Restore(string path, EngineTrainer trainer, Action<Header>? accept = null)
    {
        var (header, weights, optimizer, average) = Read(path);
        accept?.Invoke(header);
        if (trainer.Average is not null && average is null)
            throw new InvalidDataException($"{Path.GetFileName(path)}: holds no weight average; this run averages the weights");
        WeightsSnapshot.FromValues(weights).Restore(trainer.Model);
        trainer.Optimizer.SetState(optimizer, header.OptimizerSteps, trainer.Model.Parameters,
            header.ParameterSteps is { Length: > 0 } counts ? counts : null);
        if (trainer.Average is not null) trainer.Average.Restore(average!, header.AverageSteps);
        trainer.Random.SetState([.. header.RandomState.Select(ulong.Parse)]);
        trainer.Resume(new ResumeState(header.Epoch, header.History, header.BestEpoch, header.BestScore, header.LearningRateScale,
            header.Interrupted));
        return header;
    }
}
