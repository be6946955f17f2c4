using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using MlNetFashion.Scoring.Api;
using MlNetFashion.Scoring.Classification;
using MlNetFashion.Scoring.Imaging;
using MlNetFashion.Scoring.Tests.Imaging;

namespace MlNetFashion.Scoring.Tests.Api;

/// <summary>The HTTP API in process (ASP.NET Core TestServer).</summary>
public sealed class ScoringApiTests : InProcessService
{
    private static byte[] SamplePng(int index) =>
        ImagePreprocessor.EncodePng(new GrayImage(28, 28, TrainedModel.Test.Image(index).ToArray()));

    [Fact]
    public async Task PostPredict_MultipartImage_200WithThePredictionJson()
    {
        using var form = new MultipartFormDataContent();
        var image = new ByteArrayContent(SamplePng(0));
        image.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        form.Add(image, "image", "boot.png");
        var response = await Client.PostAsync("/predict", form);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        var expected = Classifier.PredictPixels(TrainedModel.Test.Image(0));
        Assert.Equal("boot.png", (string?)json["prediction"]!["file"]);
        Assert.Equal(expected.Label, (string?)json["prediction"]!["label"]);
        Assert.Equal(expected.LabelIndex, (int)json["prediction"]!["labelIndex"]!);
        Assert.Equal(10, json["prediction"]!["probabilities"]!.AsArray().Count);
        Assert.StartsWith("data:image/png;base64,", (string?)json["input28"]);
    }

    [Fact]
    public async Task PostPredict_ExplainTrue_AddsHeatMapAsNumbersAndPngWithVerdict()
    {
        var response = await Client.PostAsync("/predict?explain=true", new ByteArrayContent(SamplePng(0)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(784, json["explanation"]!["heatMap"]!.AsArray().Count);
        Assert.StartsWith("data:image/png;base64,", (string?)json["explanation"]!["png"]);
        Assert.Contains((string?)json["prediction"]!["verdict"], new[] { "garment", "not a garment" });
        Assert.NotNull(json["prediction"]!["inDistributionScore"]);
    }

    [Fact]
    public async Task PostPredict_WithoutExplain_NoExplanation()
    {
        var response = await Client.PostAsync("/predict", new ByteArrayContent(SamplePng(0)));

        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Null(json["explanation"]);
    }

    [Theory]
    [InlineData("1", true)]
    [InlineData("TRUE", true)]
    [InlineData("0", false)]
    [InlineData("false", false)]
    public async Task PostPredict_ExplainTrueOrFalse_ExplanationOrNone(string value, bool explained)
    {
        var response = await Client.PostAsync($"/predict?explain={value}", new ByteArrayContent(SamplePng(0)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(explained, json["explanation"] is not null);
    }

    [Theory]
    [InlineData("maybe")]
    [InlineData("yes")]
    public async Task PostPredict_ExplainNeitherTrueNorFalse_400NamingIt(string value)
    {
        // It was read as false: a client asking ?explain=yes got no heat map and no word of why.
        var response = await Client.PostAsync($"/predict?explain={value}", new ByteArrayContent(SamplePng(0)));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal($"{{\"error\":\"explain: expected true, false, 1 or 0, received '{value}'\"}}",
            await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData(new[] { "file" }, HttpStatusCode.OK)]
    [InlineData(new[] { "first", "second" }, HttpStatusCode.BadRequest)]
    public async Task PostPredict_MultipartWithoutAnImageField_TakesASingleFileAndRefusesSeveral(string[] fields, HttpStatusCode expected)
    {
        using var form = new MultipartFormDataContent();
        foreach (string field in fields) form.Add(new ByteArrayContent(SamplePng(2)), field, $"{field}.png");
        var response = await Client.PostAsync("/predict", form);
        await AssertAnswerAsync(response, expected, image: 2,
            error: "expected a multipart file field named 'image' (or a single file), received 2 files");
    }

    /// <summary>
    /// <paramref name="response"/> has the <paramref name="expected"/> status: 200 with the label the classifier gives test
    /// image <paramref name="image"/>, else <paramref name="error"/> as its one line.
    /// </summary>
    private async Task AssertAnswerAsync(HttpResponseMessage response, HttpStatusCode expected, int image, string error)
    {
        Assert.Equal(expected, response.StatusCode);
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        if (expected == HttpStatusCode.OK)
            Assert.Equal(Classifier.PredictPixels(TrainedModel.Test.Image(image)).Label, (string?)json["prediction"]!["label"]);
        else
            Assert.Equal(error, (string?)json["error"]);
    }

    [Fact]
    public async Task PostPredict_RawBody_200()
    {
        var response = await Client.PostAsync("/predict", new ByteArrayContent(SamplePng(1)));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("")]
    [InlineData("data:image/png;base64,")]
    public async Task PostPredict_JsonWithTheImageInBase64_200AsTheMultipartImage(string prefix)
    {
        string body = $$"""{"image": "{{prefix}}{{Convert.ToBase64String(SamplePng(3))}}", "name": "dress.png"}""";
        var response = await Client.PostAsync("/predict", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        await AssertAnswerAsync(response, HttpStatusCode.OK, image: 3, error: "");
        Assert.Equal("dress.png", (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["prediction"]!["file"]);
    }

    [Fact]
    public async Task PostPredict_JsonWithoutAnImage_400NamingTheField()
    {
        var body = new StringContent("{\"url\": \"x\"}", System.Text.Encoding.UTF8, "application/json");
        var response = await Client.PostAsync("/predict", body);

        await AssertAnswerAsync(response, HttpStatusCode.BadRequest, image: 0,
            error: "expected a JSON object {\"image\": \"<base64 or data: URL>\"}, received no \"image\" field");
    }

    [Fact]
    public async Task PostPredict_RawPngLabelledJson_ReadAsTheImage()
    {
        var body = new ByteArrayContent(SamplePng(1));
        body.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        await AssertAnswerAsync(await Client.PostAsync("/predict", body), HttpStatusCode.OK, image: 1, error: "");
    }

    [Fact]
    public async Task PostPredict_RawBodyLabelledFormUrlEncoded_ReadAsTheImage()
    {
        // What curl --data-binary @trouser.png sends without -H.
        var body = new ByteArrayContent(SamplePng(1));
        body.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded");
        var response = await Client.PostAsync("/predict", body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(Classifier.PredictPixels(TrainedModel.Test.Image(1)).Label, (string?)json["prediction"]!["label"]);
    }

    [Fact]
    public async Task PostPredict_FormUrlEncodedText_400NotAnImage()
    {
        var response = await Client.PostAsync("/predict", new FormUrlEncodedContent([new("image", "boot.png")]));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("image: not an image (PNG, JPEG, BMP, GIF or WebP expected)",
            (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]);
    }

    [Fact]
    public async Task PostPredict_MultipartWithoutBoundary_400NamingTheMultipartBody()
    {
        var body = new ByteArrayContent(SamplePng(1));
        body.Headers.TryAddWithoutValidation("Content-Type", "multipart/form-data");
        var response = await Client.PostAsync("/predict", body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith("malformed multipart body: ", (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]);
    }

    [Fact]
    public async Task PostPredict_MalformedChunkedBody_400WithJsonError()
    {
        // Only Kestrel parses chunked framing (TestServer does not), so this one runs on a real socket.
        await using var server = await RealServer.StartAsync();
        var uri = new Uri(server.Url);
        using var socket = new System.Net.Sockets.TcpClient();
        await socket.ConnectAsync(uri.Host, uri.Port);
        var stream = socket.GetStream();
        await stream.WriteAsync(
            "POST /predict HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\n"u8.ToArray());
        string response = await new StreamReader(stream).ReadToEndAsync();
        Assert.StartsWith("HTTP/1.1 400 ", response);
        Assert.Contains("{\"error\":\"malformed request body: Bad chunk size data.\"}", response);
    }

    [Fact]
    public async Task PostPredict_MultipartCutShort_400SayingItEndsEarly()
    {
        var body = new ByteArrayContent(
            "--xyz\r\nContent-Disposition: form-data; name=\"image\"; filename=\"a.png\"\r\n\r\nabc"u8.ToArray());
        body.Headers.TryAddWithoutValidation("Content-Type", "multipart/form-data; boundary=xyz");
        var response = await Client.PostAsync("/predict", body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("malformed multipart body: it ends before its closing boundary",
            (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]);
    }

    [Fact]
    public async Task PostPredict_NotAnImage_400WithMessage()
    {
        var response = await Client.PostAsync("/predict", new StringContent("definitely not a picture"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("not an image", (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]);
    }

    [Theory]
    [InlineData(false, 1, HttpStatusCode.RequestEntityTooLarge)]
    [InlineData(true, 1, HttpStatusCode.RequestEntityTooLarge)]
    [InlineData(true, -100, HttpStatusCode.BadRequest)]    // read, then refused as not an image: the size passed
    [InlineData(false, -100, HttpStatusCode.BadRequest)]
    [InlineData(null, 1, HttpStatusCode.RequestEntityTooLarge)]
    [InlineData(null, -100, HttpStatusCode.BadRequest)]
    public async Task PostPredict_ImageOverTwentyMegabytes_413RawAsAFormsFileOrInJson(bool? form, int overLimit, HttpStatusCode expected)
    {
        // A form's file just under the limit was refused: the limit counted the form's boundaries and headers too.
        // form null: the JSON form, the image in base64 (4/3 of its size).
        byte[] image = new byte[ScoringApi.MaxImageBytes + overLimit];
        var bytes = new ByteArrayContent(image);
        HttpContent body = form is null
            ? new StringContent($$"""{"image": "{{Convert.ToBase64String(image)}}"}""", System.Text.Encoding.UTF8, "application/json")
            : bytes;
        using var multipart = new MultipartFormDataContent();
        if (form is true)
        {
            multipart.Add(bytes, "image", "big.png");
            body = multipart;
        }

        var response = await Client.PostAsync("/predict", body);

        Assert.Equal(expected, response.StatusCode);
        if (expected == HttpStatusCode.RequestEntityTooLarge)
            Assert.Equal("expected an image of at most 20,971,520 bytes",
                (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]);
    }

    [Theory]
    [InlineData(20, HttpStatusCode.OK)]
    [InlineData(21, HttpStatusCode.RequestEntityTooLarge)]
    public async Task PostPredict_PhotoOfTwentyOrTwentyOneMegabytes_AcceptedOrRefused(int megabytes, HttpStatusCode expected)
    {
        // A real image padded to the size (decoders stop at the PNG's IEND; what follows is ignored, as in a camera's
        // JPEG with trailing data), sent as a form's file the way the web page sends it.
        byte[] png = SamplePng(0);
        var padded = new byte[megabytes << 20];
        png.CopyTo(padded, 0);
        using var form = new MultipartFormDataContent();
        form.Add(new ByteArrayContent(padded), "image", "photo.png");

        var response = await Client.PostAsync("/predict", form);

        await AssertAnswerAsync(response, expected, image: 0, error: "expected an image of at most 20,971,520 bytes");
    }

    [Fact]
    public async Task PostPredict_DecompressionBomb_400BeforeDecoding()
    {
        // 57 bytes claiming 100,000 × 100,000 pixels (30 GB as RGB): refused from the header, quickly.
        byte[] bomb = TestImages.PngClaiming(100_000, 100_000);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var response = await Client.PostAsync("/predict", new ByteArrayContent(bomb));
        clock.Stop();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("image: expected at most 50 megapixels, received 100000×100000 (10000 megapixels)",
            (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.Elapsed}");
    }

    [Theory]
    [InlineData("GET", "/nope", HttpStatusCode.NotFound, "not found: GET /nope")]
    [InlineData("GET", "/samples/nope.png", HttpStatusCode.NotFound, "no sample named 'nope.png'")]
    [InlineData("GET", "/predict", HttpStatusCode.MethodNotAllowed, "GET is not allowed on /predict: expected POST")]
    [InlineData("DELETE", "/health", HttpStatusCode.MethodNotAllowed, "DELETE is not allowed on /health: expected GET, HEAD")]
    public async Task WrongPathOrMethod_JsonErrorNamingIt(string method, string path, HttpStatusCode expected, string error)
    {
        var response = await Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal(error, (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]);
    }

    [Theory]
    [InlineData("/health")]
    [InlineData("/")]
    [InlineData("/samples")]
    [InlineData("/samples/1-trouser.png")]
    public async Task Head_OnWhatGetServes_200(string path)
    {
        // What `curl -I` and uptime monitors send.
        var response = await Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, path));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task GetHealthAndPage_200()
    {
        Assert.Equal(HttpStatusCode.OK, (await Client.GetAsync("/health")).StatusCode);
        string page = await Client.GetStringAsync("/");
        Assert.Contains("<input id=\"file\"", page);
        var samples = JsonNode.Parse(await Client.GetStringAsync("/samples"))!.AsArray();
        Assert.Equal(10, samples.Count);
        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetAsync("/samples/..%2Fsecret.png")).StatusCode);
    }
}
