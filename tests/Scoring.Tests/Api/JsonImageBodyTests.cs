using System.Text;
using MlNetFashion.Scoring.Api;

namespace MlNetFashion.Scoring.Tests.Api;

public sealed class JsonImageBodyTests
{
    private static readonly byte[] Bytes = [137, 80, 78, 71, 13, 10, 26, 10, 0, 255, 251, 239, 190];

    private static JsonImageBody.Result Read(string json) => JsonImageBody.Read(Encoding.UTF8.GetBytes(json));

    public static TheoryData<string, string> Encodings()
    {
        string plain = Convert.ToBase64String(Bytes);
        string urlSafe = plain.Replace('+', '-').Replace('/', '_').TrimEnd('=');
        return new()
        {
            { "base64", plain },
            { "data: URL", "data:image/png;base64," + plain },
            { "URL-safe, unpadded", urlSafe },
            { "line breaks", plain[..8] + "\\r\\n" + plain[8..] },
        };
    }

    [Theory]
    [MemberData(nameof(Encodings))]
    public void Read_ImageField_GivesItsBytes(string encoding, string text)
    {
        JsonImageBody.Result result = Read($$"""{"image": "{{text}}"}""");

        Assert.True(result.Error is null, $"{encoding}: {result.Error}");
        Assert.Equal(Bytes, result.Image);
        Assert.Equal("image", result.Name);
    }

    [Fact]
    public void Read_NameField_NamesTheImage()
    {
        Assert.Equal("boot.png", Read($$"""{"name": "boot.png", "image": "{{Convert.ToBase64String(Bytes)}}"}""").Name);
    }

    /// <summary>A body that is not the JSON form, and the start of its error line.</summary>
    public static TheoryData<string, string> BadBodies() => new()
    {
        { """{"image": """, "malformed JSON body: " },
        { """{"picture": "AAAA"}""", """expected a JSON object {"image": "<base64 or data: URL>"}, received no "image" field""" },
        { """{"image": 12}""", "image: expected a string (base64 or a data: URL), received a JSON number" },
        { """{"image": "not base64!", "name": "a.png"}""", "a.png: expected the image as base64 or a data: URL, received 'not base64!'" },
        {
            """{"image": "data:image/png,abc"}""",
            "image: expected a base64 data: URL (data:image/png;base64,…), received 'data:image/png,abc'"
        },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public void Read_BadBody_OneLineNamingWhatIsWrong(string json, string expected)
    {
        JsonImageBody.Result result = Read(json);

        Assert.Null(result.Image);
        Assert.StartsWith(expected, result.Error);
    }

    [Theory]
    [InlineData("application/json", " {\"image\": \"\"}", true)]
    [InlineData("application/vnd.api+json", "{}", true)]
    [InlineData("application/json", "\u0089PNG", false)]
    [InlineData("application/octet-stream", "{}", false)]
    [InlineData(null, "{}", false)]
    public void Applies_JsonContentTypeAndAnObject(string? mediaType, string body, bool expected)
    {
        Assert.Equal(expected, JsonImageBody.Applies(mediaType, Encoding.UTF8.GetBytes(body)));
    }
}
