using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using MlNetFashion.Scoring.Api;
using MlNetFashion.Scoring.Classification;
using YamlDotNet.RepresentationModel;

namespace MlNetFashion.Scoring.Tests.Deploy;

/// <summary>
/// What can be checked of deploy/ without a container registry or a cluster: the Kubernetes manifests parse and agree
/// with each other, with the Dockerfile and with the service's real endpoints; the Dockerfile publishes with build.sh's
/// publish verb, whose output runs.
/// </summary>
public partial class DeployFilesTests
{
    private static readonly string Deploy = Path.Combine(ServeProcess.Root, "deploy");
    private static readonly string Dockerfile = File.ReadAllText(Path.Combine(Deploy, "Dockerfile"));

    [Fact]
    public void Manifests_Parse_EveryKindOnceAndKustomizationListsThemAll()
    {
        var documents = Directory.GetFiles(Path.Combine(Deploy, "kubernetes"), "*.yaml").ToDictionary(f => Path.GetFileName(f), Load);
        Assert.Equal(["Deployment", "HorizontalPodAutoscaler", "Kustomization", "Service"],
            documents.Values.Select(d => Scalar(d, "kind")).Order());
        var listed = ((YamlSequenceNode)Manifest("kustomization.yaml").Children["resources"]).Select(n => n.ToString()).Order();
        Assert.Equal(documents.Keys.Where(n => n != "kustomization.yaml").Order(), listed);
    }

    [Fact]
    public void Deployment_PortsProbesAndScrape_AgreeWithTheDockerfileAndServiceAndHpa()
    {
        var deployment = Manifest("deployment.yaml");
        var pod = Map(deployment, "spec", "template", "spec");
        var container = (YamlMappingNode)((YamlSequenceNode)pod.Children["containers"]).Single();
        var port = (YamlMappingNode)((YamlSequenceNode)container.Children["ports"]).Single();
        string portName = Scalar(port, "name"), containerPort = Scalar(port, "containerPort");
        var env = ((YamlSequenceNode)container.Children["env"]).Cast<YamlMappingNode>()
            .Where(e => e.Children.ContainsKey("value")).ToDictionary(e => Scalar(e, "name"), e => Scalar(e, "value"));

        Assert.Equal(containerPort, DockerLine("EXPOSE"));
        Assert.Equal($"http://0.0.0.0:{containerPort}", env["ASPNETCORE_URLS"]);
        Assert.Contains($"ASPNETCORE_URLS=http://0.0.0.0:{containerPort}", Dockerfile);
        Assert.Equal("/ready", Scalar(Map(container, "readinessProbe", "httpGet"), "path"));
        Assert.Equal("/health", Scalar(Map(container, "livenessProbe", "httpGet"), "path"));
        foreach (string probe in new[] { "readinessProbe", "livenessProbe", "startupProbe" })
            Assert.Equal(portName, Scalar(Map(container, probe, "httpGet"), "port"));
        var annotations = Map(deployment, "spec", "template", "metadata", "annotations");
        Assert.Equal("true", Scalar(annotations, "prometheus.io/scrape"));
        Assert.Equal(containerPort, Scalar(annotations, "prometheus.io/port"));
        Assert.Equal("/metrics", Scalar(annotations, "prometheus.io/path"));

        // The model file sits on the models volume's mount.
        var mount = ((YamlSequenceNode)container.Children["volumeMounts"]).Cast<YamlMappingNode>()
            .Single(m => Scalar(m, "name") == "models");
        Assert.StartsWith(Scalar(mount, "mountPath") + "/", env["MLNETFASHION_MODEL"]);
        // The kubelet's SIGKILL comes after the service's own bounded shutdown (its drain included).
        var shutdown = TimeSpan.Parse(env["Serve__ShutdownTimeout"], System.Globalization.CultureInfo.InvariantCulture);
        var drain = TimeSpan.Parse(env["Serve__DrainDelay"], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(drain, TimeSpan.FromSeconds(1), shutdown - TimeSpan.FromSeconds(5));
        int grace = int.Parse(Scalar(pod, "terminationGracePeriodSeconds"), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(grace > shutdown.TotalSeconds, $"terminationGracePeriodSeconds {grace} is not above the shutdown timeout {shutdown}");
        Assert.Equal("true", Scalar(Map(pod, "securityContext"), "runAsNonRoot"));

        var service = Manifest("service.yaml");
        Assert.Equal(portName, Scalar((YamlMappingNode)((YamlSequenceNode)Map(service, "spec").Children["ports"]).Single(), "targetPort"));
        var labels = Map(deployment, "spec", "template", "metadata", "labels");
        Assert.All(Map(service, "spec", "selector").Children, s => Assert.Equal(s.Value.ToString(), labels.Children[s.Key].ToString()));
        var target = Map(Manifest("hpa.yaml"), "spec", "scaleTargetRef");
        Assert.Equal((Scalar(deployment, "kind"), Scalar(Map(deployment, "metadata"), "name")),
            (Scalar(target, "kind"), Scalar(target, "name")));
        Assert.NotNull(Map(container, "resources", "requests").Children["cpu"]);   // the HPA's utilization is of this request
    }

    [Fact]
    public async Task Manifests_ProbeAndScrapePaths_AnsweredByTheService()
    {
        var pod = Map(Manifest("deployment.yaml"), "spec", "template", "spec");
        var container = (YamlMappingNode)((YamlSequenceNode)pod.Children["containers"]).Single();
        string[] paths = [
            .. new[] { "readinessProbe", "livenessProbe", "startupProbe" }.Select(p => Scalar(Map(container, p, "httpGet"), "path")),
            Scalar(Map(Manifest("deployment.yaml"), "spec", "template", "metadata", "annotations"), "prometheus.io/path")];
        using var classifier = FashionClassifier.Load(TrainedModel.Onnx);
        await using var app = ScoringApi.Build(classifier, configure: b => b.WebHost.UseTestServer());
        await app.StartAsync();
        using var client = app.GetTestClient();
        foreach (string path in paths) Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(path)).StatusCode);
    }

    [Fact]
    public void Dockerfile_Stages_SdkPublishesWithBuildShAspNetRuntimeRunsAsNonRoot()
    {
        Assert.Matches(@"(?m)^FROM mcr\.microsoft\.com/dotnet/sdk:10\.0 AS build$", Dockerfile);
        Assert.Matches(@"(?m)^FROM mcr\.microsoft\.com/dotnet/aspnet:10\.0$", Dockerfile);
        Assert.Equal("./build.sh publish /app", DockerLine("RUN"));
        Assert.Equal("$APP_UID", DockerLine("USER"));
        Assert.Equal("""["dotnet", "MlNetFashion.Scoring.App.dll", "serve"]""", DockerLine("ENTRYPOINT"));
        Assert.Matches(@"(?m)^\s+dotnet publish Scoring/MlNetFashion\.Scoring\.App\.csproj ",
            File.ReadAllText(Path.Combine(ServeProcess.Root, "build.sh")));
    }

    [PosixSignalsFact]
    public async Task BuildShPublish_AsTheDockerfileRunsIt_OutputServesTheModel()
    {
        string output = Directory.CreateTempSubdirectory("publish-").FullName;
        try
        {
            // The Dockerfile's command; --no-build reuses this test run's build instead of compiling again.
            using (var publish = ServeProcess.Start("bash", [Path.Combine(ServeProcess.Root, "build.sh"), "publish", output, "--no-build"]))
            {
                Assert.True(publish.Process.WaitForExit(300_000), "publish did not finish in 5 minutes");
                publish.Process.WaitForExit();
                Assert.True(publish.Process.ExitCode == 0, string.Join('\n', publish.Lines));
            }
            string entry = Regex.Match(DockerLine("ENTRYPOINT"), @"""([^""]+\.dll)""").Groups[1].Value;
            Assert.True(File.Exists(Path.Combine(output, "appsettings.json")));
            int port = Loopback.FreePort();
            using var serve = ServeProcess.Start("dotnet", [Path.Combine(output, entry), "serve"], new Dictionary<string, string?>
            {
                ["MLNETFASHION_MODEL"] = TrainedModel.Onnx,
                ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
                ["Serve__DrainDelay"] = "00:00:00",
            });
            using var http = new HttpClient();
            HttpStatusCode status = default;
            for (int i = 0; i < 300 && status != HttpStatusCode.OK && !serve.Process.HasExited; i++)
            {
                try { status = (await http.GetAsync($"http://127.0.0.1:{port}/ready")).StatusCode; }
                catch (HttpRequestException) { await Task.Delay(100); }
            }
            Assert.True(status == HttpStatusCode.OK, $"the published app did not become ready: {string.Join(" | ", serve.Lines)}");
            serve.Terminate();
            Assert.True(serve.Process.WaitForExit(10_000));
            Assert.Equal(0, serve.Process.ExitCode);
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    /// <summary>The argument of the Dockerfile's last instruction of this kind (the runtime stage's, for repeated ones).</summary>
    private static string DockerLine(string instruction) =>
        Regex.Matches(Dockerfile, $@"(?m)^{instruction} (.+)$").Last().Groups[1].Value.Trim();

    private static YamlMappingNode Manifest(string file) => Load(Path.Combine(Deploy, "kubernetes", file));

    private static YamlMappingNode Load(string path)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(path)) stream.Load(reader);
        return (YamlMappingNode)stream.Documents.Single().RootNode;
    }

    private static YamlMappingNode Map(YamlMappingNode node, params string[] keys) =>
        keys.Aggregate(node, (current, key) => (YamlMappingNode)current.Children[new YamlScalarNode(key)]);

    private static string Scalar(YamlMappingNode node, string key) => ((YamlScalarNode)node.Children[new YamlScalarNode(key)]).Value!;
}
