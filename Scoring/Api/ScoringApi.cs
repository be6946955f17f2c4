using System.Buffers;
using System.Diagnostics;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http.Features;
using MlNetFashion.Scoring.Classification;
using MlNetFashion.Scoring.Hosting;
using MlNetFashion.Scoring.Imaging;
using Prometheus;

namespace MlNetFashion.Scoring.Api;

/// <summary>
/// The HTTP service: POST /predict (multipart field "image" or a form's only file, JSON {"image": base64 or data: URL}
/// (<see cref="JsonImageBody"/>), or the raw image as the body under any other content type) → the predict --json
/// object plus the 28×28 image the model saw; GET /health (liveness), GET /ready (readiness), GET /metrics (Prometheus);
/// GET / the web page; GET /classes the model's classes in probability order; GET /samples/… sample images.
/// Limits: images over 20 MB → 413 (raw, or as a form's file); not an image → 400; over 50 megapixels → 400 (checked
/// from the header, before decoding).
/// </summary>
public static class ScoringApi
{
    /// <summary>The largest image accepted, raw or as a form's file: 20 MB, room for any phone's photo (most are 2–6 MB).</summary>
    public const int MaxImageBytes = 20 << 20;

    /// <summary>
    /// The largest body: an image of <see cref="MaxImageBytes"/> in base64 (4/3 of its bytes, for the JSON form) plus room
    /// for a form's boundaries and part headers or the JSON around it, so "up to 20 MB" holds for a file just under it
    /// however it is sent.
    /// </summary>
    public const int MaxBodyBytes = MaxImageBytes / 3 * 4 + (16 << 10);

    /// <summary>The service over a classifier the caller owns (tests, benchmarks): no model swap.</summary>
    /// <param name="configure">Extra host set-up (tests plug in a TestServer here).</param>
    public static WebApplication Build(FashionClassifier classifier, string? urls = null, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = CreateBuilder();
        if (urls is not null) builder.WebHost.UseUrls(urls);
        builder.Services.AddSingleton(new FashionClassifierPool(classifier));
        configure?.Invoke(builder);
        return Build(builder);
    }

    /// <summary>
    /// The host builder with the service's limits and ASP.NET Core's configuration sources: appsettings.json beside the
    /// app, environment variables (and <see cref="ServeSettings.EnvironmentAliases"/>), then <paramref name="overrides"/>
    /// (serve's command-line options). Register a <see cref="FashionClassifierPool"/> (AddFashionClassifier), then
    /// <see cref="Build(WebApplicationBuilder)"/>.
    /// </summary>
    public static WebApplicationBuilder CreateBuilder(IReadOnlyDictionary<string, string?>? overrides = null) =>
        CreateBuilder(AppContext.BaseDirectory, overrides);

    /// <summary>As <see cref="CreateBuilder(IReadOnlyDictionary{string, string?}?)"/>, appsettings.json read from
    /// <paramref name="contentRoot"/>.</summary>
    internal static WebApplicationBuilder CreateBuilder(string contentRoot, IReadOnlyDictionary<string, string?>? overrides)
    {
        WebApplicationBuilder builder;
        try
        {
            builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = contentRoot });
        }
        catch (InvalidDataException ex) when (ex.InnerException is { } cause)
        {
            // "Failed to load configuration from file '…/appsettings.json'." alone: the cause says what and where.
            throw new InvalidDataException($"{ex.Message.TrimEnd('.')}: {cause.GetBaseException().Message.Split('\n')[0].Trim()}", ex);
        }
        builder.Configuration.AddInMemoryCollection(ServeSettings.EnvironmentAliases
            .Where(alias => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(alias.Key)))
            .Select(alias => KeyValuePair.Create(alias.Value, Environment.GetEnvironmentVariable(alias.Key))));
        if (overrides is not null) builder.Configuration.AddInMemoryCollection(overrides);
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = MaxBodyBytes);
        builder.Services.Configure<FormOptions>(o => o.MultipartBodyLengthLimit = MaxBodyBytes);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        // "Hosting failed to start" with a stack trace: the exception reaches serve, which reports it in one line.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.None);
        // A 503 from /ready while draining is the answer meant, not an error to log at every balancer's check.
        builder.Logging.AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks.DefaultHealthCheckService", LogLevel.None);
        return builder;
    }

    /// <summary>
    /// Builds the service: resolves the <see cref="FashionClassifierPool"/> registered in <paramref name="builder"/> (so the
    /// model is loaded and warmed up before anything listens), /health, /ready, /metrics, request logs, graceful drain.
    /// </summary>
    public static WebApplication Build(WebApplicationBuilder builder)
    {
        ServeSettings settings = ServeSettings.Read(builder.Configuration);
        if (settings.LogFormat == LogFormat.Json)
            builder.Logging.ClearProviders()
                .AddJsonConsole(o => o.JsonWriterOptions = new System.Text.Json.JsonWriterOptions { Indented = false });
        else
            builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = settings.ShutdownTimeout);
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton<ServiceState>();
        builder.Services.AddSingleton<ScoringMetrics>();
        builder.Services.AddHostedService<DrainService>();
        builder.Services.AddHealthChecks().AddCheck<ReadinessCheck>("ready", tags: ["ready"]);
        var app = builder.Build();
        var pool = app.Services.GetRequiredService<FashionClassifierPool>();
        var metrics = app.Services.GetRequiredService<ScoringMetrics>();
        metrics.Track(pool);
        // A wrong path or method gets the same one-line JSON as every other refusal, not an empty body a client's
        // JSON parser chokes on.
        app.UseStatusCodePages(context =>
        {
            HttpContext http = context.HttpContext;
            string? error = http.Response.StatusCode switch
            {
                StatusCodes.Status404NotFound => $"not found: {http.Request.Method} {http.Request.Path}",
                StatusCodes.Status405MethodNotAllowed =>
                    $"{http.Request.Method} is not allowed on {http.Request.Path}: expected {http.Response.Headers.Allow}",
                _ => null,
            };
            return error is null ? Task.CompletedTask : http.Response.WriteAsJsonAsync(new { error });
        });
        app.UseRouting();
        // While draining, every answer closes its connection: when the server stops listening no client holds an idle
        // keep-alive connection to send its next request on, only to see it closed unanswered.
        ServiceState state = app.Services.GetRequiredService<ServiceState>();
        app.Use((http, next) =>
        {
            if (state.Draining) http.Response.Headers.Connection = "close";
            return next(http);
        });
        if (!string.IsNullOrEmpty(settings.Replica))
            app.Use((http, next) =>
            {
                http.Response.Headers[ReplicaHeader] = settings.Replica;
                return next(http);
            });
        if (settings.LogFormat == LogFormat.Json || settings.LogRequests)
        {
            ILogger requests = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(RequestLog.Category);
            app.Use((http, next) => RequestLog.WriteAsync(http, () => next(http), requests));
        }
        app.UseHttpMetrics(o => o.SetMetricFactory(metrics.Factory));
        Map(app, pool);
        app.MapHealthChecks("/ready", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains("ready"),
            ResponseWriter = (http, report) => http.Response.WriteAsJsonAsync(new
            {
                status = report.Entries.Values.Select(e => e.Description).FirstOrDefault(),
                model = Path.GetFileName(pool.ModelPath),
                version = pool.Info.Version,
            }),
        });
        app.MapMetrics("/metrics", metrics.Registry);
        return app;
    }

    /// <summary>The header naming the replica that answered (<see cref="ServeSettings.Replica"/>).</summary>
    public const string ReplicaHeader = "X-Replica";

    /// <summary>The header of every /predict answer naming the model version that scored it (<see cref="ModelInfo.Version"/>).</summary>
    public const string ModelVersionHeader = "X-Model-Version";

    public static void Map(IEndpointRouteBuilder app, FashionClassifierPool pool)
    {
        // HEAD wherever GET is served (HTTP asks it of every server; `curl -I` and uptime monitors use it): MapGet alone
        // answers it 405. Kestrel sends a HEAD's headers without the body.
        string[] get = [HttpMethods.Get, HttpMethods.Head];
        app.MapMethods("/health", get, () => Results.Ok(new { status = "ok", model = Path.GetFileName(pool.ModelPath) }));
        app.MapMethods("/", get, () => Results.Content(IndexPage.Html, "text/html; charset=utf-8"));
        app.MapMethods("/samples", get, () => Results.Ok(Samples.List()));
        app.MapMethods("/classes", get, () =>
        {
            using var lease = pool.Acquire();
            return Results.Ok(lease.Classifier.Classes);
        });
        app.MapMethods("/samples/{name}", get, (string name) => Samples.Open(name) is { } bytes
            ? Results.File(bytes, "image/png")
            : Results.NotFound(new { error = $"no sample named '{name}'" }));
        app.MapPost("/predict", (HttpContext http, ScoringMetrics metrics) => PredictAsync(http, pool, metrics));
    }

    private static async Task<IResult> PredictAsync(HttpContext http, FashionClassifierPool pool, ScoringMetrics metrics)
    {
        HttpRequest request = http.Request;
        if (request.ContentLength > MaxBodyBytes) return TooLarge();
        // The body is read once into a pooled buffer (a phone photo is 2–6 MB), returned when the answer is made.
        byte[] buffer;
        int length;
        try
        {
            (buffer, length) = await ReadLimitedAsync(request.Body, MaxBodyBytes, request.ContentLength);
        }
        catch (BadHttpRequestException ex)
        {
            // Kestrel's verdict on the body's framing (a bad chunk, a body cut short): a JSON refusal like the others,
            // not an unhandled exception with its stack trace in the server's log and an empty 400.
            return ex.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? TooLarge()
                : Results.Json(new { error = $"malformed request body: {ex.Message}" }, statusCode: ex.StatusCode);
        }
        try
        {
            return await PredictAsync(http, pool, metrics, buffer, length);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async Task<IResult> PredictAsync(
        HttpContext http, FashionClassifierPool pool, ScoringMetrics metrics, byte[] buffer, int length)
    {
        HttpRequest request = http.Request;
        if (length > MaxBodyBytes) return TooLarge();
        if (ExplainQuery(request) is not { } explain)
            return Results.BadRequest(new { error = $"explain: expected true, false, 1 or 0, received '{request.Query["explain"]}'" });
        ReadOnlyMemory<byte> body = buffer.AsMemory(0, length);
        string name = "image";
        // Only multipart is a form here: curl --data-binary @boot.png labels its raw bytes x-www-form-urlencoded.
        string? mediaType = request.GetTypedHeaders().ContentType?.MediaType.Value;
        bool multipart = request.HasFormContentType && string.Equals(mediaType, "multipart/form-data", StringComparison.OrdinalIgnoreCase);
        if (!multipart && JsonImageBody.Applies(mediaType, body.Span))
        {
            JsonImageBody.Result json = JsonImageBody.Read(body);
            if (json.Error is not null) return Results.BadRequest(new { error = json.Error });
            (body, name) = (json.Image!, json.Name);
        }
        if (multipart)
        {
            request.Body = new MemoryStream(buffer, 0, length, writable: false);
            IFormCollection form;
            try
            {
                form = await request.ReadFormAsync();
            }
            catch (InvalidDataException ex)
            {
                return Results.BadRequest(new { error = $"malformed multipart body: {ex.Message}" });
            }
            catch (IOException)
            {
                // The body is already in memory, so this is the reader running out of it before the closing boundary;
                // its own message ("… may have already been read by another component. ") points elsewhere.
                return Results.BadRequest(new { error = "malformed multipart body: it ends before its closing boundary" });
            }
            // The field is "image"; a form with one file under any other name (curl -F file=@boot.png) means that file.
            IFormFile? file = form.Files["image"] ?? (form.Files.Count == 1 ? form.Files[0] : null);
            if (file is null)
                return Results.BadRequest(new
                {
                    error = $"expected a multipart file field named 'image' (or a single file), received {form.Files.Count} files",
                });
            name = file.FileName;
            using var image = new MemoryStream();
            await file.CopyToAsync(image);
            body = image.GetBuffer().AsMemory(0, (int)image.Length);
        }
        if (body.Length > MaxImageBytes) return TooLarge();
        if (body.Length == 0) return Results.BadRequest(new { error = "expected an image in the request body, received nothing" });
        try
        {
            long start = Stopwatch.GetTimestamp();
            GrayImage seen = ImagePreprocessor.Preprocess(body.Span, name);
            TimeSpan preprocess = Stopwatch.GetElapsedTime(start);
            // One model from scoring to the header that names it, even when another is swapped in meanwhile.
            using var lease = pool.Acquire();
            start = Stopwatch.GetTimestamp();
            Explanation? explanation = explain ? lease.Classifier.Explain(seen) : null;
            Prediction prediction = explanation?.Prediction ?? lease.Classifier.Predict(seen);
            metrics.Observe(preprocess, Stopwatch.GetElapsedTime(start), prediction.Label);
            http.Response.Headers[ModelVersionHeader] = lease.Classifier.Info.Version;
            RequestLog.Note(http, prediction.Label, lease.Classifier.Info.Version);
            var row = PredictionJson.Row(name, prediction);
            string input28 = "data:image/png;base64," + Convert.ToBase64String(ImagePreprocessor.EncodePng(seen));
            return explanation is null
                ? Results.Ok(new { prediction = row, input28 })
                : Results.Ok(new { prediction = row, input28, explanation = PredictionJson.Explanation(explanation) });
        }
        catch (ImageRejectedException ex)
        {
            return Results.BadRequest(new { error = ex.Message });
        }
    }

    /// <summary>
    /// ?explain=true (or 1): add the occlusion heat map to the answer; false, 0 or none: not. Null for anything else, which
    /// is refused rather than read as false.
    /// </summary>
    private static bool? ExplainQuery(HttpRequest request) => request.Query["explain"].ToString() switch
    {
        "" or "0" => false,
        "1" => true,
        var v when bool.TryParse(v, out bool value) => value,
        _ => null,
    };

    private static IResult TooLarge() =>
        Results.Json(new { error = $"expected an image of at most {MaxImageBytes:N0} bytes" },
            statusCode: StatusCodes.Status413PayloadTooLarge);

    /// <summary>
    /// Reads at most limit + 1 bytes into a buffer from <see cref="ArrayPool{T}.Shared"/> (the caller returns it), so an
    /// oversized chunked body is detected without buffering it all; sized by Content-Length when the client sent one.
    /// </summary>
    private static async Task<(byte[] Buffer, int Length)> ReadLimitedAsync(Stream body, int limit, long? contentLength)
    {
        // One byte over Content-Length, so the read that finds the end needs no larger buffer.
        byte[] buffer = ArrayPool<byte>.Shared.Rent(contentLength > 0 ? (int)Math.Min(limit + 1L, contentLength.Value + 1) : 81920);
        int length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    byte[] larger = ArrayPool<byte>.Shared.Rent((int)Math.Min(limit + 1L, 2L * buffer.Length));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
                int read = await body.ReadAsync(buffer.AsMemory(length));
                if (read == 0) break;
                length += read;
                if (length > limit) break;
            }
            return (buffer, length);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }
}
