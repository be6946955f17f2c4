namespace MlNetFashion.Engine.Schedules;

/// <summary>
/// The learning-rate schedules the engine has (<see cref="LearningRateSchedule.Create"/>). The JSON spec spells them
/// constant, step, cosine, onecycle.
/// </summary>
public enum ScheduleKind
{
    Constant,
    Step,
    Cosine,
    OneCycle,
}
