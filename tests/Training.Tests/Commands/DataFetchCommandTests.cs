using System.Globalization;
using System.Net;
using MlNetFashion.Benchmarks.Operations;
using MlNetFashion.Tests.Shared;

namespace MlNetFashion.Training.Tests.Commands;

public sealed class DataFetchCommandTests() : TempFolderTests("fetch-cli-")
{
    [Fact]
    public async Task DataFetch_FromAMirror_WritesTheFourVerifiedFilesAndAgainFetchesNothing()
    {
        string source = Pipeline.Data.DataLocator.Locate(null);
        using var listener = new HttpListener();
        int port = Loopback.FreePort();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        // A mirror of the official .gz files, from wherever the tests read the data set (gzipped here if it is not).
        _ = Task.Run(async () =>
        {
            while (listener.IsListening)
            {
                HttpListenerContext context;
                try { context = await listener.GetContextAsync(); }
                catch (HttpListenerException) { return; }
                byte[] body = Gzipped(source, Path.GetFileNameWithoutExtension(context.Request.Url!.AbsolutePath));
                context.Response.ContentLength64 = body.Length;
                await context.Response.OutputStream.WriteAsync(body);
                context.Response.Close();
            }
        });

        var (exit, output) = ChildProcess.RunTrainingApp("data", "fetch", "--data-dir", Folder, "--base-url", $"http://127.0.0.1:{port}");
        var (again, secondOutput) = ChildProcess.RunTrainingApp("data", "fetch", "--data-dir", Folder, "--base-url",
            $"http://127.0.0.1:{port}");
        listener.Stop();

        Assert.True(exit == 0, output);
        Assert.Contains($"4 file(s) downloaded; all four verified in {Folder}", output);
        foreach (string name in Pipeline.Data.DataLocator.FileNames)
            Assert.Equal(Gzipped(source, name), await File.ReadAllBytesAsync(Path.Combine(Folder, name + ".gz")));
        Assert.Equal(4, Directory.GetFiles(Folder).Length);
        Assert.True(again == 0, secondOutput);
        Assert.Contains($"0 file(s) downloaded; all four verified in {Folder}", secondOutput);
    }

    private static byte[] Gzipped(string folder, string name)
    {
        string gz = Path.Combine(folder, name + ".gz");
        if (File.Exists(gz)) return File.ReadAllBytes(gz);
        using var packed = new MemoryStream();
        using (var zip = new System.IO.Compression.GZipStream(packed, System.IO.Compression.CompressionLevel.Fastest))
            zip.Write(File.ReadAllBytes(Path.Combine(folder, name)));
        return packed.ToArray();
    }

    [Fact]
    public async Task DataFetch_InterruptedWithSigintMidDownload_Exits130AndLeavesNoPartialFile()
    {
        // The default SIGINT exit skipped the downloader's cleanup: a train-images-idx3-ubyte.gz.<guid>.part stayed behind.
        int port = Loopback.FreePort();
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

        using var process =
            ChildProcess.StartInterruptible("data", "fetch", "--data-dir", Folder, "--base-url", $"http://127.0.0.1:{port}/");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync(), stderr = process.StandardError.ReadToEndAsync();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (Directory.GetFiles(Folder, "*.part").Length == 0 && !process.HasExited && DateTime.UtcNow < deadline) await Task.Delay(50);
        await Task.Delay(1000);  // into the body
        Assert.False(process.HasExited, "data fetch ended before the signal was sent");
        using (var kill = System.Diagnostics.Process.Start("kill",
            ["-INT", process.Id.ToString(CultureInfo.InvariantCulture)])) await kill.WaitForExitAsync();
        Assert.True(process.WaitForExit(30_000), "data fetch did not stop after SIGINT");
        listener.Stop();

        Assert.Empty(Directory.GetFiles(Folder));
        Assert.Equal(130, process.ExitCode);
        Assert.Contains("interrupted: the download stopped; files verified so far are kept in", await stderr);
        _ = await stdout;
    }
}
