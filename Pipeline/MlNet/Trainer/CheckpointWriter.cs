using MlNetFashion.Engine.Checkpoints;
using MlNetFashion.Engine.IO;
using MlNetFashion.Engine.Training;

namespace MlNetFashion.Pipeline.Trainer;

/// <summary>After every epoch: checkpoints/last.ckpt, and best.ckpt when validation accuracy improved (both atomic).</summary>
internal sealed class CheckpointWriter(EngineTrainer trainer, string directory, string optionsJson) : ITrainingCallback
{
    public const string LastFile = "last.ckpt", BestFile = "best.ckpt";

    public void OnEpochEnd(EpochMetrics metrics, TrainingControl control)
    {
        Directory.CreateDirectory(directory);
        CheckpointFile.Save(Path.Combine(directory, LastFile), trainer, optionsJson);
        if (trainer.State.BestEpoch != metrics.Epoch) return;
        AtomicFile.Write(Path.Combine(directory, BestFile), best =>
        {
            using FileStream last = File.OpenRead(Path.Combine(directory, LastFile));
            last.CopyTo(best);
        });
    }
}
