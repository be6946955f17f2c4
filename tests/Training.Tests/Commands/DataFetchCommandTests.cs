using System.Globalization;
using System.Net;

namespace MlNetFashion.Training.Tests.Commands;

public sealed class DataFetchCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fetch-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task DataFetch_InterruptedWithSigintMidDownload_Exits130AndLeavesNoPartialFile()
    {
        // The default SIGINT exit skipped the downloader's cleanup: a train-images-idx3-ubyte.gz.<guid>.part stayed behind.
        var socket = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        int port = ((IPEndPoint)socket.LocalEndpoint).Port;
        socket.Stop();
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        _ = Task.Run(async () =>
        {
            // Half a file, then silence (the app's timeout is a minute): the signal arrives mid-download.
            HttpListenerContext context = await listener.GetContextAsync();
            context.Response.ContentLength64 = 1_000_000;
            await context.Response.OutputStream.WriteAsync(new byte[500_000]);
            await context.Response.OutputStream.FlushAsync();
        });

        using var process = ChildProcess.StartInterruptible("data", "fetch", "--data-dir", _dir, "--base-url", $"http://127.0.0.1:{port}/");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync(), stderr = process.StandardError.ReadToEndAsync();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (Directory.GetFiles(_dir, "*.part").Length == 0 && !process.HasExited && DateTime.UtcNow < deadline) await Task.Delay(50);
        await Task.Delay(1000);  // into the body
        Assert.False(process.HasExited, "data fetch ended before the signal was sent");
        using (var kill = System.Diagnostics.Process.Start("kill",
            ["-INT", process.Id.ToString(CultureInfo.InvariantCulture)])) await kill.WaitForExitAsync();
        Assert.True(process.WaitForExit(30_000), "data fetch did not stop after SIGINT");
        listener.Stop();

        Assert.Empty(Directory.GetFiles(_dir));
        Assert.Equal(130, process.ExitCode);
        Assert.Contains("interrupted: the download stopped; files verified so far are kept in", await stderr);
        _ = await stdout;
    }
}
