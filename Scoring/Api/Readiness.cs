using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace MlNetFashion.Scoring.Api;

/// <summary>Whether the service takes requests: listening with its model loaded and warmed up, and not draining.</summary>
public sealed class ServiceState
{
    private volatile bool _started, _draining;

    public bool Started => _started;
    public bool Draining => _draining;

    internal void MarkStarted() => _started = true;
    internal void MarkDraining() => _draining = true;
}

/// <summary>/ready: healthy once started (the model is loaded and warmed up before Kestrel listens), not while draining.</summary>
internal sealed class ReadinessCheck(ServiceState state) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(state.Draining ? HealthCheckResult.Unhealthy("draining")
            : state.Started ? HealthCheckResult.Healthy("ready")
            : HealthCheckResult.Unhealthy("starting"));
}

/// <summary>
/// On SIGTERM (or Ctrl+C), before Kestrel stops listening: /ready turns 503 at once and requests are still served for
/// <see cref="ServeSettings.DrainDelay"/>, so a load balancer stops sending first; then Kestrel finishes the requests in
/// flight within what is left of <see cref="ServeSettings.ShutdownTimeout"/>.
/// </summary>
internal sealed class DrainService(ServiceState state, ServeSettings settings, ILogger<DrainService> logger) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken)
    {
        state.MarkStarted();
        return Task.CompletedTask;
    }

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        state.MarkDraining();
        logger.LogInformation("draining: /ready answers 503; the server stops listening in {Seconds} s", settings.DrainDelay.TotalSeconds);
        try
        {
            await Task.Delay(settings.DrainDelay, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The shutdown timeout ran out during the drain: stop now.
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
