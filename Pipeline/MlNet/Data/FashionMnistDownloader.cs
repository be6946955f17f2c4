using System.IO.Compression;
using System.Security.Cryptography;

namespace MlNetFashion.Pipeline.Data;

/// <summary>
/// Downloads the four official .gz files (where the Debian package is not available): each is streamed to a temp
/// file in the target folder, its uncompressed content is checked against the known SHA-256, and only then is it
/// renamed into place — a failed, partial or wrong download never leaves a file that looks valid.
/// </summary>
public sealed class FashionMnistDownloader(HttpClient http, Uri baseUri, IReadOnlyDictionary<string, string> sha256)
{
    public static readonly Uri OfficialBaseUri = new("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/");

    /// <summary>SHA-256 of the uncompressed official files (DEVELOPERS.md).</summary>
    public static readonly IReadOnlyDictionary<string, string> OfficialSha256 = new Dictionary<string, string>
    {
        ["train-images-idx3-ubyte"] = "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
        ["train-labels-idx1-ubyte"] = "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
        ["t10k-images-idx3-ubyte"] = "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
        ["t10k-labels-idx1-ubyte"] = "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
    };

    /// <summary>Fetches every missing or invalid file into <paramref name="directory"/>; returns the files downloaded.</summary>
    public async Task<IReadOnlyList<string>> DownloadAsync(string directory, Action<string>? log = null,
        CancellationToken cancellation = default)
    {
        Engine.IO.OutputFolder.Create(directory);
        var fetched = new List<string>();
        foreach (string name in DataLocator.FileNames)
        {
            string target = Path.Combine(directory, name + ".gz");
            if (File.Exists(target) && IsValid(target, sha256[name]))
            {
                log?.Invoke($"{name}.gz: present and valid");
                continue;
            }
            DeleteStaleTempFiles(directory, name);
            string temp = target + $".{Guid.NewGuid():N}.part";
            try
            {
                Uri uri = new(baseUri, name + ".gz");
                FileStream file;
                try
                {
                    file = new FileStream(temp, FileMode.CreateNew);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    // Before any request, and naming the folder rather than the temp file inside it that the user never asked for.
                    throw new FashionMnistDataException($"{directory}: cannot write in the folder " +
                        $"({(ex is UnauthorizedAccessException ? "permission denied" : ex.Message.Replace(temp, target).TrimEnd('.'))})",
                        ex);
                }
                log?.Invoke($"downloading {uri}");
                await using (file)
                using (HttpResponseMessage response = await http.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, cancellation))
                {
                    if (!response.IsSuccessStatusCode) throw new FashionMnistDataException($"{name}.gz: download failed with HTTP " +
                        $"{(int)response.StatusCode} from {uri}");
                    await using Stream body = await response.Content.ReadAsStreamAsync(cancellation);
                    long? expected = response.Content.Headers.ContentLength;
                    await CopyAsync(body, file,
                        () => $"{name}.gz: the download from {uri} was cut short after {Bytes(file.Length, expected)}", cancellation);
                    if (expected is long length && file.Length != length)
                        throw new FashionMnistDataException($"{name}.gz: the download from {uri} was cut short after " +
                            $"{Bytes(file.Length, expected)}; it was not saved");
                }
                string actual;
                try
                {
                    actual = Hash(temp);
                }
                catch (InvalidDataException ex)
                {
                    // Named as the user knows it (not the temp file, which is gone by the time they read this).
                    throw new FashionMnistDataException($"{name}.gz downloaded from {uri} is corrupt or truncated " +
                        $"({IdxReader.DamagedGzip}); it was not saved", ex);
                }
                if (actual != sha256[name]) throw new FashionMnistDataException($"{name}.gz downloaded from {uri}: SHA-256 of the " +
                    $"content is {actual}, expected {sha256[name]} (not the official file); it was not saved");
                File.Move(temp, target, overwrite: true);
                fetched.Add(target);
            }
            catch (OperationCanceledException ex) when (!cancellation.IsCancellationRequested)
            {
                // HttpClient's own timeout (no headers in time) or CopyAsync's (no body bytes in time).
                throw new FashionMnistDataException($"{name}.gz: no data from {new Uri(baseUri, name + ".gz")} for " +
                    $"{http.Timeout.TotalSeconds:0} s (timed out); it was not saved", ex);
            }
            catch (IOException ex) when (ex is not FashionMnistDataException && Engine.IO.IOErrorReason.Of(ex, temp) is { } reason)
            {
                // Named as the file the user asked for, which stays as it was; the temp file is gone by the time they read it.
                throw new FashionMnistDataException($"{target}: {reason}; the download was not saved", ex);
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException and not FashionMnistDataException)
            {
                throw new FashionMnistDataException($"{name}.gz: download failed ({ex.Message.TrimEnd('.')})", ex);
            }
            finally
            {
                if (File.Exists(temp)) File.Delete(temp);
            }
        }
        return fetched;
    }

    /// <summary>
    /// Copies the body, giving up when no byte arrives within HttpClient.Timeout: with ResponseHeadersRead that timeout
    /// stops at the headers, so a server gone quiet mid-body hung the fetch forever.
    /// </summary>
    private async Task CopyAsync(Stream body, Stream file, Func<string> cutShort, CancellationToken cancellation)
    {
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        byte[] buffer = new byte[81920];
        while (true)
        {
            if (http.Timeout != Timeout.InfiniteTimeSpan) idle.CancelAfter(http.Timeout);
            int read;
            try
            {
                read = await body.ReadAsync(buffer, idle.Token);
            }
            catch (IOException ex)
            {
                // .NET words it "Error while copying content to a stream" or "The
                // response ended prematurely": say which download and how far.
                throw new FashionMnistDataException($"{cutShort()} ({Innermost(ex).Message.TrimEnd('.')}); it was not saved", ex);
            }
            if (read == 0) return;
            await file.WriteAsync(buffer.AsMemory(0, read), cancellation);
        }
    }

    /// <summary>
    /// Deletes the temp files of fetches that were killed (SIGTERM, SIGKILL, power loss: no finally ran), one per attempt of
    /// megabytes. A live fetch's temp file is kept: .NET locks an open FileStream (flock), so FileShare.None fails on it.
    /// </summary>
    private static void DeleteStaleTempFiles(string directory, string name)
    {
        foreach (string stale in Directory.EnumerateFiles(directory, name + ".gz.*.part"))
        {
            try
            {
                using var _ = new FileStream(stale, FileMode.Open, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // In use by another fetch, or not ours to delete.
            }
        }
    }

    private static string Bytes(long received, long? expected) =>
        expected is long length ? $"{received:N0} of {length:N0} bytes" : $"{received:N0} bytes";

    private static Exception Innermost(Exception ex) => ex.InnerException is null ? ex : Innermost(ex.InnerException);

    /// <summary>SHA-256 (lower-case hex) of the gunzipped content; a damaged gzip stream is reported as such.</summary>
    public static string HashOfUncompressed(string path)
    {
        try
        {
            return Hash(path);
        }
        catch (InvalidDataException ex)
        {
            throw new FashionMnistDataException($"{Path.GetFileName(path)}: corrupt or truncated gzip data ({IdxReader.DamagedGzip})", ex);
        }
    }

    /// <summary>
    /// A present file that is not the official one, damaged gzip included, is fetched again (only a verified download replaces it).
    /// </summary>
    private static bool IsValid(string path, string expectedSha256)
    {
        try
        {
            return Hash(path) == expectedSha256;
        }
        catch (InvalidDataException)
        {
            return false;
        }
    }

    private static string Hash(string path)
    {
        using var stream = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
