using System.IO.Compression;
using System.Net;
using System.Security.Cryptography;
using MlNetFashion.Benchmarks.Operations;
using MlNetFashion.Pipeline.Data;
using MlNetFashion.Tests.Shared;

namespace MlNetFashion.Pipeline.Tests.Data;

/// <summary>Against a local HTTP server on 127.0.0.1 serving small synthetic files — never the internet.</summary>
public sealed class FashionMnistDownloaderTests : TempFolderTests
{
    private readonly Dictionary<string, byte[]> _content = [];
    private readonly Dictionary<string, string> _hashes = [];

    public FashionMnistDownloaderTests() : base("fetch-tests-")
    {
        foreach (string name in DataLocator.FileNames)
        {
            byte[] raw = [.. Enumerable.Range(0, 3000).Select(i => (byte)(i * name.Length % 256))];
            _content[name] = Gzip(raw);
            _hashes[name] = Convert.ToHexStringLower(SHA256.HashData(raw));
        }
    }

    private int Requests { get; set; }

    private static byte[] Gzip(byte[] raw)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest)) gzip.Write(raw);
        return output.ToArray();
    }

    /// <summary>Serves every file; <paramref name="sabotage"/> may change how one is answered.</summary>
    private async Task<IReadOnlyList<string>> DownloadAsync(Func<string, HttpListenerResponse, byte[], bool>? sabotage = null,
        TimeSpan? timeout = null, string? directory = null)
    {
        int port = Loopback.FreePort();
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        var server = Task.Run(async () =>
        {
            for (int i = 0; i < 4 && listener.IsListening; i++)
            {
                HttpListenerContext context;
                try { context = await listener.GetContextAsync(); }
                catch (HttpListenerException) { return; }
                catch (ObjectDisposedException) { return; }
                Requests++;
                string name = context.Request.Url!.AbsolutePath.Trim('/').Replace(".gz", "", StringComparison.Ordinal);
                byte[] body = _content[name];
                if (sabotage?.Invoke(name, context.Response, body) == true) continue;
                context.Response.ContentLength64 = body.Length;
                await context.Response.OutputStream.WriteAsync(body);
                context.Response.Close();
            }
        });
        using var http = new HttpClient { Timeout = timeout ?? TimeSpan.FromSeconds(20) };
        try
        {
            return await new FashionMnistDownloader(http, new Uri($"http://127.0.0.1:{port}/"), _hashes).DownloadAsync(directory ?? Folder);
        }
        finally
        {
            listener.Stop();
            await Task.WhenAny(server, Task.Delay(2000));
        }
    }

    [Fact]
    public async Task DownloadAsync_ValidFiles_LandVerifiedUnderTheirNames()
    {
        var files = await DownloadAsync();
        Assert.Equal(4, files.Count);
        foreach (string name in DataLocator.FileNames)
            Assert.Equal(_hashes[name], FashionMnistDownloader.HashOfUncompressed(Path.Combine(Folder, name + ".gz")));
        Assert.Empty(Directory.GetFiles(Folder, "*.part"));
    }

    [Fact]
    public async Task DownloadAsync_TruncatedResponse_FailsAndLeavesNoFile()
    {
        var ex = await Assert.ThrowsAsync<FashionMnistDataException>(() => DownloadAsync((name, response, body) =>
        {
            if (name != "train-images-idx3-ubyte") return false;
            response.ContentLength64 = body.Length;
            response.OutputStream.Write(body, 0, body.Length / 2);
            response.Abort();
            return true;
        }));
        Assert.StartsWith("train-images-idx3-ubyte.gz:", ex.Message);
        Assert.False(File.Exists(Path.Combine(Folder, "train-images-idx3-ubyte.gz")));
        Assert.Empty(Directory.GetFiles(Folder, "*.part"));
    }

    [Fact]
    public async Task DownloadAsync_WrongHash_FailsNamingBothHashesAndLeavesNoFile()
    {
        _hashes["train-labels-idx1-ubyte"] = new string('0', 64);
        var ex = await Assert.ThrowsAsync<FashionMnistDataException>(() => DownloadAsync());
        Assert.Matches(@"^train-labels-idx1-ubyte\.gz downloaded from http://\S+/train-labels-idx1-ubyte\.gz: SHA-256 of the content is",
            ex.Message);
        Assert.Contains("expected " + new string('0', 64), ex.Message);
        Assert.False(File.Exists(Path.Combine(Folder, "train-labels-idx1-ubyte.gz")));
        Assert.Empty(Directory.GetFiles(Folder, "*.part"));
    }

    [Fact]
    public async Task DownloadAsync_CorruptGzip_NamesTheFileAndItsUrlNotTheTempFileAndLeavesNoFile()
    {
        // It said "train-labels-idx1-ubyte.gz.c74e….part: corrupt or truncated gzip data (…)".
        var ex = await Assert.ThrowsAsync<FashionMnistDataException>(() => DownloadAsync((name, response, body) =>
        {
            if (name != "train-labels-idx1-ubyte") return false;
            byte[] corrupt = [.. body];
            corrupt[3] = 0xFF;  // reserved gzip header flags: not a stream GZipStream decodes
            response.ContentLength64 = corrupt.Length;
            response.OutputStream.Write(corrupt);
            response.Close();
            return true;
        }));
        Assert.Matches(@"^train-labels-idx1-ubyte\.gz downloaded from http://127\.0\.0\.1:\d+/train-labels-idx1-ubyte\.gz is corrupt or " +
            @"truncated \(.+\); it was not saved$", ex.Message);
        Assert.DoesNotContain(".part", ex.Message);
        Assert.False(File.Exists(Path.Combine(Folder, "train-labels-idx1-ubyte.gz")));
        Assert.Empty(Directory.GetFiles(Folder, "*.part"));
    }

    [Fact]
    public async Task DownloadAsync_CorruptFilePresent_IsReplacedByAVerifiedDownload()
    {
        // A damaged .gz already in the folder (an interrupted copy) stopped the fetch with "corrupt or truncated gzip data".
        string target = Path.Combine(Folder, "train-images-idx3-ubyte.gz");
        byte[] corrupt = [.. _content["train-images-idx3-ubyte"]];
        corrupt[3] = 0xFF;
        File.WriteAllBytes(target, corrupt);

        var files = await DownloadAsync();

        Assert.Equal(4, files.Count);
        Assert.Equal(_hashes["train-images-idx3-ubyte"], FashionMnistDownloader.HashOfUncompressed(target));
    }

    [Fact]
    public async Task DownloadAsync_ValidFilePresent_IsNotDownloadedAgain()
    {
        File.WriteAllBytes(Path.Combine(Folder, "train-images-idx3-ubyte.gz"), _content["train-images-idx3-ubyte"]);
        var files = await DownloadAsync();
        Assert.Equal(3, files.Count);
    }

    [Fact]
    public async Task DownloadAsync_ServerStallsMidBody_TimesOutNamingTheUrlAndLeavesNoFile()
    {
        // HttpClient.Timeout stops at the headers (ResponseHeadersRead): a server that went quiet mid-body hung the fetch forever.
        var download = DownloadAsync((name, response, body) =>
        {
            response.ContentLength64 = body.Length;
            response.OutputStream.Write(body, 0, body.Length / 2);
            response.OutputStream.Flush();
            return true;  // never finished: the connection stays open, silent
        }, timeout: TimeSpan.FromSeconds(2));
        var ex = await Assert.ThrowsAsync<FashionMnistDataException>(() => download.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Matches(@"^train-images-idx3-ubyte\.gz: no data from http://127\.0\.0\.1:\d+/train-images-idx3-ubyte\.gz for 2 s \(timed " +
            @"out\); it was not saved$", ex.Message);
        Assert.Empty(Directory.GetFiles(Folder));
    }

    [Fact]
    public async Task DownloadAsync_ConnectionCutMidBody_SaysCutShortNamingTheUrlAndBytes()
    {
        // It said "train-images-idx3-ubyte.gz: download failed (Error while copying content to a stream)".
        var ex = await Assert.ThrowsAsync<FashionMnistDataException>(() => DownloadAsync((name, response, body) =>
        {
            response.ContentLength64 = body.Length;
            response.OutputStream.Write(body, 0, body.Length / 2);
            response.Abort();
            return true;
        }));
        Assert.Matches(@"^train-images-idx3-ubyte\.gz: the download from http://127\.0\.0\.1:\d+/train-images-idx3-ubyte\.gz was cut " +
            @"short after [\d,]+ of [\d,]+ bytes \(.+\); it was not saved$", ex.Message);
        Assert.Empty(Directory.GetFiles(Folder));
    }

    [Fact]
    public async Task DownloadAsync_FolderNotWritable_NamesTheFolderBeforeAnyRequest()
    {
        // sysfs refuses new files even to root (the suite runs as root, where a chmod 555 folder is still writable).
        // It said "Access to the path '/sys/train-images-idx3-ubyte.gz.<guid>.part' is denied." after connecting.
        var ex = await Assert.ThrowsAsync<FashionMnistDataException>(() => DownloadAsync(directory: "/sys"));
        Assert.Equal("/sys: cannot write in the folder (permission denied)", ex.Message);
        Assert.Equal(0, Requests);
    }

    [Fact]
    public async Task DownloadAsync_TempFileOfAKilledFetch_IsDeletedButOneInUseIsKept()
    {
        // A fetch killed by SIGTERM or SIGKILL runs no finally: its .part stayed, and each new attempt left another.
        string stale = Path.Combine(Folder, "train-images-idx3-ubyte.gz.0123456789abcdef0123456789abcdef.part");
        string live = Path.Combine(Folder, "train-labels-idx1-ubyte.gz.fedcba9876543210fedcba9876543210.part");
        File.WriteAllBytes(stale, new byte[1000]);
        using (var inUse = new FileStream(live, FileMode.CreateNew))
        {
            await DownloadAsync();
            Assert.True(File.Exists(live));
        }
        Assert.False(File.Exists(stale));
    }
}
