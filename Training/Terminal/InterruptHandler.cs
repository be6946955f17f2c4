namespace MlNetFashion.Training.Terminal;

/// <summary>Ctrl+C (SIGINT) cancels the run's token instead of killing the process, so training stops cleanly.</summary>
internal sealed class InterruptHandler : IDisposable
{
    private readonly CancellationTokenSource _source = new();
    private readonly string _notice;

    /// <param name="notice">What the first Ctrl+C prints (training's wording by default).</param>
    public InterruptHandler(string notice = "stopping after the current batch, or before anything is written if training has finished… " +
        "(Ctrl+C again to kill)")
    {
        _notice = notice;
        System.Console.CancelKeyPress += OnCancel;
    }

    public CancellationToken Token => _source.Token;

    private void OnCancel(object? sender, ConsoleCancelEventArgs e)
    {
        if (_source.IsCancellationRequested) return; // a second Ctrl+C kills the process as usual
        e.Cancel = true;
        System.Console.Error.WriteLine(_notice);
        _source.Cancel();
    }

    public void Dispose()
    {
        System.Console.CancelKeyPress -= OnCancel;
        _source.Dispose();
    }
}
