namespace MlNetFashion.Engine.Schedules;

/// <summary>
/// The learning-rate schedules the engine has (<see cref="LearningRateSchedule.Create"/>). The JSON spec spells them
/// constant, step, cosine, onecycle.
/// </summary>
public enum ScheduleKind
{
    /// <summary>The learning rate as given, throughout.</summary>
    Constant,
    /// <summary>× 0.1 after the first and the second third of the run (<see cref="StepSchedule"/>).</summary>
    Step,
    /// <summary>Linear warm-up, then cosine decay to 0 (<see cref="CosineSchedule"/>).</summary>
    Cosine,
    /// <summary>Cosine warm-up from 1/25 of the rate, then cosine decay to 1/10⁴ of it (<see cref="OneCycleSchedule"/>).</summary>
    OneCycle,
}
