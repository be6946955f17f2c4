using MlNetFashion.Engine.Checkpoints;
using MlNetFashion.Engine.Layers.Core;
using MlNetFashion.Engine.Models;
using MlNetFashion.Engine.Onnx;

namespace MlNetFashion.Pipeline.Trainer;

/// <summary>
/// Fine-tuning's starting point: the weights of a trained run copied into a freshly built model of the same net. The
/// source is a run's <c>model.onnx</c> (its own weights: <see cref="OnnxWeights"/>), a checkpoint
/// (<c>checkpoints/best.ckpt</c>), or a run's <c>model.zip</c> or an ONNX file exported before ONNX files carried their
/// batch norms' values, both read through the best checkpoint beside them. When the classes differ, the classifier head
/// (the last Dense) keeps its fresh initialization.
/// </summary>
public static class InitialWeights
{
    /// <summary>
    /// Checks <paramref name="path"/> before any data is read: it exists, and an ONNX file is one MlNetFashion exported.
    /// Throws FileNotFoundException or InvalidDataException naming the file.
    /// </summary>
    public static void Check(string path) => Source(path);

    /// <summary>
    /// Copies the weights of <paramref name="path"/> into the built <paramref name="model"/>, except the head's when its
    /// class count differs. Returns whether the head was replaced. Throws InvalidDataException naming the file when its
    /// net is not this one.
    /// </summary>
    public static bool Load(string path, Sequential model)
    {
        ArgumentNullException.ThrowIfNull(model);
        (string file, bool onnx) = Source(path);
        return onnx ? Named(file, () => OnnxWeights.Load(file, model)) : LoadCheckpoint(file, model);
    }

    /// <summary>The file the weights come from, and whether it is ONNX (else a checkpoint).</summary>
    private static (string File, bool Onnx) Source(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: --init-from: file not found", path);
        string extension = Path.GetExtension(path);
        bool onnx = extension.Equals(".onnx", StringComparison.OrdinalIgnoreCase);
        if (onnx && Named(path, () => OnnxWeights.CarriesWeights(path))) return (path, true);
        if (!onnx && !extension.Equals(".zip", StringComparison.OrdinalIgnoreCase)) return (path, false);
        string best = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, "checkpoints", CheckpointWriter.BestFile);
        if (File.Exists(best)) return (best, false);
        throw new FileNotFoundException(onnx
            ? $"{path}: --init-from: exported without its batch norms' values (by an earlier version), and no {best} beside it"
            : $"{path}: --init-from: expected the run's weights beside it in {best}, found none (give its model.onnx or a .ckpt file)",
            best);
    }

    /// <summary>Runs <paramref name="read"/>, its errors ("file: problem") saying which option named the file.</summary>
    private static T Named<T>(string path, Func<T> read)
    {
        string name = Path.GetFileName(path);
        try
        {
            return read();
        }
        catch (InvalidDataException ex) when (ex.Message.StartsWith(name + ": ", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{name}: --init-from: {ex.Message[(name.Length + 2)..]}", ex);
        }
    }

    private static bool LoadCheckpoint(string checkpoint, Sequential model)
    {
        // A run that averaged its weights exported the average: fine-tune from that.
        var read = CheckpointFile.Read(checkpoint);
        IReadOnlyList<float[]> saved = read.Average ?? read.Weights;
        var tensors = model.Parameters.Select(p => p.Value).Concat(model.Buffers).ToList();
        // Parameters come first in layer order: the head's kernel and bias are the last parameters.
        var head = model.Layers.Count > 0 && model.Layers[^1] is Dense dense ? dense : null;
        int headStart = head is null ? -1 : model.Parameters.Count - head.Parameters.Count;
        if (saved.Count != tensors.Count)
            throw new InvalidDataException(
                $"{Path.GetFileName(checkpoint)}: --init-from: its {saved.Count} weight tensors do not fit this model's " +
                $"{tensors.Count} (trained with another preset or model spec?)");
        bool replaced = false;
        for (int i = 0; i < tensors.Count; i++)
        {
            if (saved[i].Length == tensors[i].Length)
            {
                saved[i].CopyTo(tensors[i].Span);
                continue;
            }
            if (head is null || i < headStart || i >= headStart + head.Parameters.Count)
                throw new InvalidDataException(
                    $"{Path.GetFileName(checkpoint)}: --init-from: weight tensor {i} holds {saved[i].Length:N0} values, " +
                    $"this model's {tensors[i].Length:N0} (trained with another preset or model spec?)");
            replaced = true;   // the head for other classes: keeps its fresh initialization
        }
        return replaced;
    }
}
