using System.Runtime.InteropServices;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace MlNetFashion.Scoring.Api;

/// <summary>Whether the service takes requests: listening with its model loaded and warmed up, and not draining.</summary>
public sealed class ServiceState : IDisposable
{
    private readonly CancellationTokenSource _interrupted = new();
    private volatile bool _started, _draining;

    public bool Started => _started;
    public bool Draining => _draining;

    /// <summary>Cancelled by Ctrl+C (SIGINT): someone at a terminal wants the server gone now, not after a drain.</summary>
    public CancellationToken Interrupted => _interrupted.Token;

    internal void MarkStarted() => _started = true;
    internal void MarkDraining() => _draining = true;
    internal void MarkInterrupted() => _interrupted.Cancel();

    public void Dispose() => _interrupted.Dispose();
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
/// On SIGTERM, before Kestrel stops listening: /ready turns 503 at once and requests are still served for
/// <see cref="ServeSettings.DrainDelay"/>, so a load balancer stops sending first; then Kestrel finishes the requests in
/// flight within what is left of <see cref="ServeSettings.ShutdownTimeout"/>. Ctrl+C (SIGINT) skips the delay, or cuts
/// one short: load balancers and orchestrators stop a replica with SIGTERM, a person at a terminal with Ctrl+C. The
/// requests in flight are still finished either way. The host's console lifetime stops the application on both signals;
/// this only watches SIGINT beside it.
/// </summary>
internal sealed class DrainService(ServiceState state, ServeSettings settings, ILogger<DrainService> logger)
    : IHostedLifecycleService, IDisposable
{
    private PosixSignalRegistration? _interrupt;

    public Task StartingAsync(CancellationToken cancellationToken)
    {
        // context.Cancel is left as it is: the console lifetime's own SIGINT handler still stops the application.
        _interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, _ => state.MarkInterrupted());
        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken)
    {
        state.MarkStarted();
        return Task.CompletedTask;
    }

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        state.MarkDraining();
        if (state.Interrupted.IsCancellationRequested)
        {
            logger.LogInformation("interrupted: the server stops listening now, without a drain delay");
            return;
        }
        logger.LogInformation("draining: /ready answers 503; the server stops listening in {Seconds} s", settings.DrainDelay.TotalSeconds);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, state.Interrupted);
        try
        {
            await Task.Delay(settings.DrainDelay, stop.Token);
        }
        catch (OperationCanceledException)
        {
            // The shutdown timeout ran out during the drain, or Ctrl+C came: stop now.
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _interrupt?.Dispose();
}
