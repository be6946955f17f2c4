namespace MlNetFashion.Engine.Training;

/// <summary>
/// NaN or infinite loss: training stops without touching any saved model. Worded for every caller (the command line
/// adds its option's name, --lr; an ML.NET user sets LearningRate).
/// </summary>
public sealed class TrainingDivergedException(int epoch, int batch, float learningRate)
    : Exception($"training diverged: the loss became NaN/Inf at epoch {epoch}, batch {batch} (learning rate {learningRate:G3}); try a " +
        $"lower learning rate")
{
    public int Epoch { get; } = epoch;
    public int Batch { get; } = batch;
}
