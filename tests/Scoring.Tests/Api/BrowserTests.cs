using Microsoft.Playwright;

namespace MlNetFashion.Scoring.Tests.Api;

/// <summary>
/// A real browser (Debian's Chromium driven by Playwright, no browser download) uploads images on the web page and
/// reads what it shows. ./build.sh test installs chromium; without it these tests are skipped, saying so.
/// </summary>
public class BrowserTests
{
    [ChromiumFact]
    public Task Page_UploadSample_ShowsThePredictedLabel() => WithPageAsync(async (page, server) =>
    {
        // Every request the page makes is answered.
        var failed = new List<string>();
        page.Response += (_, response) => { if (response.Status >= 400) failed.Add($"{response.Status} {response.Url}"); };
        await page.GotoAsync(server.Url + "/");
        string sample = Path.Combine(AppContext.BaseDirectory, "samples", "1-trouser.png");
        await page.SetInputFilesAsync("#file", sample);
        await page.WaitForFunctionAsync("document.getElementById('label').textContent !== '—'", null, new() { Timeout = 15000 });
        string label = await page.InnerTextAsync("#label");
        Assert.Equal(server.Classifier.Predict(sample).Label, label);
        Assert.Equal(10, await page.Locator(".bar").CountAsync());
        await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "mlnetfashion-page.png") });
        Assert.Empty(failed);
    }, new() { ViewportSize = new() { Width = 1100, Height = 700 } });

    [ChromiumFact]
    public Task Page_NotAnImageAfterASample_ShowsTheErrorWithoutTheSamplesResult() => WithPageAsync(async (page, server) =>
    {
        await page.GotoAsync(server.Url + "/");
        await page.SetInputFilesAsync("#file", Path.Combine(AppContext.BaseDirectory, "samples", "1-trouser.png"));
        await page.WaitForFunctionAsync("document.getElementById('label').textContent !== '—'", null, new() { Timeout = 15000 });
        await page.SetInputFilesAsync(
            "#file", new FilePayload { Name = "notes.txt", MimeType = "text/plain", Buffer = "hello"u8.ToArray() });
        await page.WaitForFunctionAsync("document.getElementById('error').textContent !== ''", null, new() { Timeout = 15000 });
        Assert.Equal("notes.txt: not an image (PNG, JPEG, BMP, GIF or WebP expected)", await page.InnerTextAsync("#error"));
        Assert.Equal("—", await page.InnerTextAsync("#label"));
        Assert.Equal(0, await page.Locator(".bar").CountAsync());
    });

    [ChromiumFact]
    public Task Page_OwnClassesModel_ShowsItsClassesAndOneBarEach() => WithPageAsync(async (page, server) =>
    {
        await page.GotoAsync(server.Url + "/");
        string image = Directory.EnumerateFiles(Path.Combine(OwnClassesModel.Three.Images, "靴")).Order(StringComparer.Ordinal).First();
        await page.SetInputFilesAsync("#file", image);
        await page.WaitForFunctionAsync("document.getElementById('label').textContent !== '—'", null, new() { Timeout = 15000 });

        Assert.Equal(server.Classifier.Predict(image).Label, await page.InnerTextAsync("#label"));
        Assert.Equal(3, await page.Locator(".bar").CountAsync());
        Assert.Equal(OwnClassesModel.Three.Classes, await page.Locator(".bar span:first-child").AllInnerTextsAsync());
        Assert.Equal("classes: Schuhe-ä · Stiefel · 靴", await page.InnerTextAsync("#classes"));
    }, modelPath: OwnClassesModel.Three.Onnx);

    [ChromiumFact]
    public Task Page_ShowWhyChecked_OverlaysTheHeatMapOnThe28By28() => WithPageAsync(async (page, server) =>
    {
        var requests = new List<string>();
        page.Request += (_, request) => requests.Add(request.Url);
        await page.GotoAsync(server.Url + "/");
        string sample = Path.Combine(AppContext.BaseDirectory, "samples", "1-trouser.png");
        await page.CheckAsync("#why");
        await page.SetInputFilesAsync("#file", sample);
        await page.WaitForFunctionAsync("!document.getElementById('heat').hidden", null, new() { Timeout = 15000 });

        Assert.Contains(requests, url => url.EndsWith("/predict?explain=true", StringComparison.Ordinal));
        // The overlay covers the 28×28 view exactly; its red alpha follows the explanation's positive heat.
        var (seen, overlay) = (await page.Locator("#seen").BoundingBoxAsync(), await page.Locator("#heat").BoundingBoxAsync());
        Assert.Equal((seen!.X, seen.Y, seen.Width, seen.Height), (overlay!.X, overlay.Y, overlay.Width, overlay.Height));
        int[] alpha = await page.EvaluateAsync<int[]>(
            "Array.from(document.getElementById('heat').getContext('2d').getImageData(0, 0, 28, 28).data.filter((_, i) => i % 4 === 3))");
        float[] heat = server.Classifier.Explain(sample).Heat;
        int hottest = Array.IndexOf(heat, heat.Max());
        Assert.Equal(191, alpha[hottest]);
        Assert.All(Enumerable.Range(0, heat.Length).Where(i => heat[i] <= 0), i => Assert.Equal(0, alpha[i]));
        Assert.Contains(alpha, a => a is > 0 and < 191);
        await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "mlnetfashion-page-why.png") });

        await page.UncheckAsync("#why");
        Assert.False(await page.Locator("#heat").IsVisibleAsync());
        Assert.True(await page.Locator("#seen").IsVisibleAsync());
    });

    [ChromiumFact]
    public Task Page_ShowWhyCheckedAfterAPrediction_AsksAgainAndOverlays() => WithPageAsync(async (page, server) =>
    {
        await page.GotoAsync(server.Url + "/");
        await page.SetInputFilesAsync("#file", Path.Combine(AppContext.BaseDirectory, "samples", "1-trouser.png"));
        await page.WaitForFunctionAsync("document.getElementById('label').textContent !== '—'", null, new() { Timeout = 15000 });
        Assert.False(await page.Locator("#heat").IsVisibleAsync());

        await page.CheckAsync("#why");

        await page.WaitForFunctionAsync("!document.getElementById('heat').hidden", null, new() { Timeout = 15000 });
        Assert.True(await page.Locator("#heat").IsVisibleAsync());
    });

    [ChromiumFact]
    public Task Page_BeforeAnyImage_ShowsAnEmptyViewNotABrokenImage() => WithPageAsync(async (page, server) =>
    {
        await page.GotoAsync(server.Url + "/");

        Assert.True(await page.Locator(".view").IsVisibleAsync());
        Assert.False(await page.Locator("#seen").IsVisibleAsync());
        Assert.False(await page.Locator("#heat").IsVisibleAsync());
        Assert.Equal("pick an image", await page.InnerTextAsync("#confidence"));
    });

    /// <summary>A served model and a fresh browser page (not yet navigated) for <paramref name="test"/>.</summary>
    private static async Task WithPageAsync(Func<IPage, RealServer, Task> test, BrowserNewPageOptions? options = null,
        string? modelPath = null)
    {
        await using var server = await RealServer.StartAsync(modelPath);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(
            new() { ExecutablePath = ChromiumFactAttribute.Chromium, Headless = true, Args = ["--no-sandbox"] });
        await test(await browser.NewPageAsync(options), server);
    }
}
