namespace MlNetFashion.Engine.Schedules;

/// <summary>
/// Learning rate as a pure function of the step: lr(step) for step in [0, totalSteps). Callbacks such as
/// ReduceLROnPlateau scale the result; they do not change the schedule.
/// </summary>
public abstract record LearningRateSchedule
{
    public abstract float At(long step, long totalSteps, float baseRate);

    public static LearningRateSchedule Create(ScheduleKind kind, float warmupFraction = 0.1f)
        => kind switch
        {
            ScheduleKind.Constant => new ConstantSchedule(),
            ScheduleKind.Cosine => new CosineSchedule(warmupFraction),
            ScheduleKind.OneCycle => new OneCycleSchedule(warmupFraction),
            ScheduleKind.Step => new StepSchedule(),
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

/// <summary>
/// Step decay over the run: lr(t) = base · factor^⌊(drops + 1)·t / T⌋, i.e. × factor after each 1/(drops + 1) of the
/// T steps (by default × 0.1 after the first and the second third, as ResNet's ImageNet recipe divides it by 10 at epochs 30
/// and 60 of 90).
/// Given as shares of the run, like the warm-ups of the other schedules, so it needs no epoch or batch count.
/// </summary>
public sealed record StepSchedule(int Drops = 2, float Factor = 0.1f) : LearningRateSchedule
{
    public int Drops { get; } = Drops >= 0 ? Drops : throw new ArgumentOutOfRangeException(nameof(Drops), Drops, "expected 0 or more");
    public float Factor { get; } = Factor > 0 && float.IsFinite(Factor)
        ? Factor
        : throw new ArgumentOutOfRangeException(nameof(Factor), Factor, "expected a positive number");

    public override float At(long step, long totalSteps, float baseRate)
    {
        long stage = Math.Min(Drops, (Drops + 1) * Math.Clamp(step, 0, totalSteps) / Math.Max(1, totalSteps));
        return baseRate * MathF.Pow(Factor, stage);
    }
    public override string ToString() => $"step(× {Factor} after each 1/{Drops + 1} of the run)";
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
