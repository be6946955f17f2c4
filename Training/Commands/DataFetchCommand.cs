using System.CommandLine;
using MlNetFashion.Pipeline.Data;
using MlNetFashion.Training.Terminal;

namespace MlNetFashion.Training.Commands;

/// <summary>data fetch [--data-dir DIR]: download and verify the four official files.</summary>
public static class DataFetchCommand
{
    public static Command Create()
    {
        var dataDir = CommonOptions.RefuseBlankFolder(
            new Option<string>("--data-dir") { Description = "Target folder.", DefaultValueFactory = _ => "data" });
        var baseUrl =
            new Option<string?>("--base-url") { Description = "Mirror to download from (default: the official Fashion-MNIST URL)." };
        var fetch = new Command("fetch", "Download the four Fashion-MNIST files and check their SHA-256.") { dataDir, baseUrl };
        fetch.SetAction(parse =>
        {
            string? url = parse.GetValue(baseUrl);
            Uri uri = url is null ? FashionMnistDownloader.OfficialBaseUri : MirrorUri(url);
            // The downloader applies it to the headers and to every read of the body: a minute of silence, not of download.
            using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(1) };
            var downloader = new FashionMnistDownloader(http, uri, FashionMnistDownloader.OfficialSha256);
            // Ctrl+C cancels the download so its temp file is deleted: the default SIGINT exit left a .part of megabytes behind.
            using var interrupt = new InterruptHandler("stopping the download… (Ctrl+C again to kill)");
            IReadOnlyList<string> files;
            try
            {
                files = downloader.DownloadAsync(parse.GetValue(dataDir)!, Console.WriteLine, interrupt.Token).GetAwaiter().GetResult();
            }
            catch (OperationCanceledException) when (interrupt.Token.IsCancellationRequested)
            {
                Console.Error.WriteLine($"interrupted: the download stopped; files verified so far are kept in " +
                    $"{parse.GetValue(dataDir)}, no partial file is");
                return 130;
            }
            Console.WriteLine($"{files.Count} file(s) downloaded; all four verified in {parse.GetValue(dataDir)}");
            return 0;
        });
        return new Command("data", "Data set commands.") { fetch };
    }

    /// <summary>The mirror as a folder URL (trailing slash, so file names resolve under it); http or https only.</summary>
    private static Uri MirrorUri(string url) =>
        Uri.TryCreate(url.EndsWith('/') ? url : url + "/", UriKind.Absolute, out Uri? uri)
            && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? uri
            : throw new ArgumentException($"--base-url {url}: expected an http:// or https:// URL");
}
