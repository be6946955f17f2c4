namespace MlNetFashion.Engine.Schedules;

/// <summary>
/// Learning rate as a pure function of the step: lr(step) for step in [0, totalSteps). Callbacks such as
/// ReduceLROnPlateau scale the result; they do not change the schedule.
/// </summary>
public abstract record LearningRateSchedule
{
    public abstract float At(long step, long totalSteps, float baseRate);

    public static LearningRateSchedule Create(ScheduleKind kind, float warmupFraction = 0.1f, int stepEvery = 0, float stepFactor = 0.5f)
        => kind switch
        {
            ScheduleKind.Constant => new ConstantSchedule(),
            ScheduleKind.Cosine => new CosineSchedule(warmupFraction),
            ScheduleKind.OneCycle => new OneCycleSchedule(warmupFraction),
            ScheduleKind.Step => new StepSchedule(stepEvery, stepFactor),
            _ => throw new ArgumentOutOfRangeException(
                nameof(kind), kind, $"schedule: expected {Training.EnumSpelling.Expected<ScheduleKind>()}."),
        };
}

/// <summary>lr(t) = base.</summary>
public sealed record ConstantSchedule : LearningRateSchedule
{
    public override float At(long step, long totalSteps, float baseRate) => baseRate;
    public override string ToString() => "constant";
}

/// <summary>lr(t) = base · factor^⌊t / every⌋ (every in steps).</summary>
public sealed record StepSchedule(int Every, float Factor) : LearningRateSchedule
{
    public override float At(long step, long totalSteps, float baseRate) =>
        Every <= 0 ? baseRate : baseRate * MathF.Pow(Factor, step / Every);
    public override string ToString() => $"step(every {Every}, ×{Factor})";
}

/// <summary>Linear warm-up over the first fraction of steps, then cosine decay to 0.</summary>
public sealed record CosineSchedule(float WarmupFraction) : LearningRateSchedule
{
    public override float At(long step, long totalSteps, float baseRate)
    {
        long warmup = (long)(WarmupFraction * totalSteps);
        if (step < warmup) return baseRate * (step + 1) / warmup;
        double progress = (double)(step - warmup) / Math.Max(1, totalSteps - warmup);
        return (float)(baseRate * 0.5 * (1 + Math.Cos(Math.PI * Math.Min(1, progress))));
    }
    public override string ToString() => $"cosine(warm-up {WarmupFraction:P0})";
}

/// <summary>
/// One-cycle (Smith): from base/25 up to base over the warm-up fraction (cosine), then down to base/10⁴ (cosine).
/// </summary>
public sealed record OneCycleSchedule(float WarmupFraction) : LearningRateSchedule
{
    public override float At(long step, long totalSteps, float baseRate)
    {
        double start = baseRate / 25.0, end = baseRate / 1e4;
        long warmup = Math.Max(1, (long)(WarmupFraction * totalSteps));
        static double Anneal(double from, double to, double t) => to + (from - to) * 0.5 * (1 + Math.Cos(Math.PI * Math.Clamp(t, 0, 1)));
        return step < warmup
            ? (float)Anneal(start, baseRate, (double)step / warmup)
            : (float)Anneal(baseRate, end, (double)(step - warmup) / Math.Max(1, totalSteps - warmup));
    }
    public override string ToString() => $"one-cycle(warm-up {WarmupFraction:P0})";
}
