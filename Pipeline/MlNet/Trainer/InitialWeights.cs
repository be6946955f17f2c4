using MlNetFashion.Engine.Checkpoints;
using MlNetFashion.Engine.Layers.Core;
using MlNetFashion.Engine.Models;

namespace MlNetFashion.Pipeline.Trainer;

/// <summary>
/// Fine-tuning's starting point: the weights of a trained run copied into a freshly built model of the same net. The
/// source is a checkpoint (<c>checkpoints/best.ckpt</c>, the weights a run exports) or a run's <c>model.onnx</c>, read
/// through the best checkpoint written beside it (the exported graph folds batch normalization into the convolutions,
/// so the layers' own weights are not in it). When the classes differ, the classifier head (the last Dense) keeps its
/// fresh initialization.
/// </summary>
public static class InitialWeights
{
    /// <summary>The checkpoint <paramref name="path"/> stands for: itself, or for a model file its run's best.ckpt.</summary>
    public static string CheckpointFor(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: --init-from: file not found", path);
        if (!Path.GetExtension(path).Equals(".onnx", StringComparison.OrdinalIgnoreCase)
            && !Path.GetExtension(path).Equals(".zip", StringComparison.OrdinalIgnoreCase)) return path;
        string best = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, "checkpoints", CheckpointWriter.BestFile);
        return File.Exists(best)
            ? best
            : throw new FileNotFoundException(
                $"{path}: --init-from: expected the run's weights beside it in {best}, found none (give a .ckpt file instead)", best);
    }

    /// <summary>
    /// Copies every tensor of the checkpoint at <paramref name="path"/> into the built <paramref name="model"/>, except the
    /// head's when its class count differs. Returns whether the head was replaced. Throws InvalidDataException naming
    /// the file when the checkpoint's net is not this one.
    /// </summary>
    public static bool Load(string path, Sequential model)
    {
        ArgumentNullException.ThrowIfNull(model);
        string checkpoint = CheckpointFor(path);
        IReadOnlyList<float[]> saved = CheckpointFile.Read(checkpoint).Weights;
        var tensors = model.Parameters.Select(p => p.Value).Concat(model.Buffers).ToList();
        // Parameters come first in layer order: the head's kernel and bias are the last parameters.
        var head = model.Layers.Count > 0 && model.Layers[^1] is Dense dense ? dense : null;
        int headStart = head is null ? -1 : model.Parameters.Count - head.Parameters.Count;
        if (saved.Count != tensors.Count)
            throw new InvalidDataException(
                $"{Path.GetFileName(checkpoint)}: --init-from: its {saved.Count} weight tensors do not fit this model's {tensors.Count} " +
                "(trained with another preset or model spec?)");
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
