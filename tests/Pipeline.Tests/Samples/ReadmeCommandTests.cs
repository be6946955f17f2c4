using System.Text.RegularExpressions;

namespace MlNetFashion.Pipeline.Tests.Samples;

/// <summary>
/// Every command README.md and deploy/README.md show — a line of a ```bash block, a `./build.sh …`, `dotnet …`, `curl …`
/// (and the like) span, a form of the command-line tables, a verb of build.sh — is run by a named test or by .ci/run,
/// or is named here as one that cannot run on this machine, with the reason. A new command without a test fails.
/// </summary>
public sealed partial class ReadmeCommandTests
{
    private const string Ci = ".ci/run";

    private const string BuildSh = "Benchmarks.Tests/BuildScriptTests.cs: ";
    private const string BuildPs1 = "Benchmarks.Tests/PowerShellBuildScriptTests.cs: ";
    private const string DeployFiles = "Scoring.Tests/Deploy/DeployFilesTests.cs: ";
    private const string ImageFolder = "Training.Tests/Commands/ImageFolderTrainingTests.cs: ";
    private const string ServeLifecycle = "Scoring.Tests/Deploy/ServeLifecycleTests.cs: ";
    private const string ScaleOut = "Scoring.Tests/Deploy/ScaleOutTests.cs: ";
    private const string TrainCommand = "Training.Tests/Commands/TrainCommandTests.cs: ";
    private const string PredictCommand = "Scoring.Tests/Commands/PredictCommandTests.cs: ";

    private static string NotRunHere(string reason) => "not run here: " + reason;

    /// <summary>Command → where it runs: ".ci/run", "tests/PATH.cs: Method" (one or more), or <see cref="NotRunHere"/>.</summary>
    private static readonly Dictionary<string, string[]> RunBy = new()
    {
        ["./build.sh train"] = [Ci],
        ["./build.sh test"] = [Ci],
        ["./build.sh train --preset best"] =
            [BuildSh + "TrainAndBench_Arguments_PassedToTheTrainingAppBuiltWithoutAnalyzers"],
        ["./build.sh setup"] = [BuildSh + "Setup_NothingInstalled_InstallsTheTestToolsAndPowerShellThenRestores"],
        ["./build.sh build"] = [BuildSh + "Build_RestoresThenBuildsTheSolution"],
        ["./build.sh bench"] = [BuildSh + "TrainAndBench_Arguments_PassedToTheTrainingAppBuiltWithoutAnalyzers"],
        ["./build.sh format"] = [BuildSh + "Format_RestoresThenAppliesTheEditorconfigRules"],
        ["./build.sh pack"] =
            [BuildPs1 + "Pack_BuildShAndBuildPs1_TheSameThreeLibraryPackagesWithTheirSymbols"],
        ["./build.sh publish"] = [DeployFiles + "BuildShPublish_AsTheDockerfileRunsIt_OutputServesTheModel"],
        ["./build.sh publish /app"] =
            [DeployFiles + "BuildShPublish_AsTheDockerfileRunsIt_OutputServesTheModel"],
        ["dotnet run --project Training -c Release -- train --images photos --test-fraction 0.2 --out my-model"] =
            [ImageFolder + "Train_ThreeClassFolderWithABadFileSkipped_WritesEveryOutputWithTheFolderNames"],
        ["dotnet run --project Training -c Release -- train --images photos --init-from artifacts/model.onnx --freeze-epochs 2"] =
            [ImageFolder + "Train_InitFromARunsModelOnnxCopiedElsewhere_StartsFromItAndSaysSo"],
        ["dotnet run --project Training -c Release -- evaluate --model my-model/model.onnx --images test-photos"] =
            [ImageFolder + "TrainThenEvaluate_TwoClassFoldersWithATestFolder_ReportsTheFolderNames"],
        ["dotnet run --project Scoring -c Release -- serve --model my-model/model.onnx"] =
        [
            "Scoring.Tests/Classification/OwnClassesTests.cs: Serve_OwnClassesModel_ClassesAndPredictionsInTheModelsNames",
            ServeLifecycle + "Serve_Sigterm_ReadyTurns503AtOnceRequestsServedWhileDrainingThenExitZero",
        ],
        ["curl --data-binary @boot.png http://127.0.0.1:5080/predict"] =
            ["Scoring.Tests/Api/CurlExampleTests.cs: PostPredict_CurlDataBinaryOfAPng_AnswersThePredictionTheClassifierGives"],
        ["Training: train"] = [TrainCommand + "Train_TinyRun_WritesEveryArtifactAndTheMetricsKeys"],
        ["Training: train --images DIR"] =
            [ImageFolder + "Train_ThreeClassFolderWithABadFileSkipped_WritesEveryOutputWithTheFolderNames"],
        ["Training: evaluate --model model.zip|model.onnx"] =
            [TrainCommand + "Evaluate_SavedModelInAFreshProcess_ReproducesTheTrainingRunsAccuracy"],
        ["Training: cv"] = ["Training.Tests/Commands/CvCommandTests.cs: Cv_TwoFolds_PrintsEachFoldTheMeanAndWritesTheBoxPlot"],
        ["Training: summary"] =
            ["Training.Tests/Commands/SummaryCommandTests.cs: Summary_Preset_PrintsTheNetsLayerTableWhoseRowsAddUpToTheTotal"],
        ["Training: bench"] = ["Training.Tests/Commands/BenchCommandTests.cs: Bench_Text_NamesTheGemmProviderAndTheConvolutionKernels"],
        ["Training: data fetch"] =
            ["Training.Tests/Commands/DataFetchCommandTests.cs: DataFetch_FromAMirror_WritesTheFourVerifiedFilesAndAgainFetchesNothing"],
        ["Scoring: predict --model FILE"] =
            [PredictCommand + "Predict_Folder_ScoresEveryImageInsideInNameOrderAsEachFileAlone"],
        ["Scoring: predict --model FILE --idx IMAGES"] =
        [
            PredictCommand + "" +
                "PredictIdx_Json_GivesEveryImagesPredictionAsTheClassifierScoresItAndTheAccuracyOfThoseRows",
            "Scoring.Tests/Commands/PredictToFileTests.cs: Predict_KilledMidRunThenResumed_EveryImageOnceInOrder",
        ],
        ["Scoring: serve --model FILE"] =
            [ServeLifecycle + "Serve_Sigterm_ReadyTurns503AtOnceRequestsServedWhileDrainingThenExitZero"],
        ["Scoring: bench --model model.onnx"] =
            ["Scoring.Tests/Commands/BenchCommandTests.cs: Bench_FewerImagesThanTheTestSet_NamesTheCountWithoutAClampNote"],
        ["Scoring: prepare --out DIR IMAGE|FOLDER..."] =
            ["Scoring.Tests/Commands/PrepareCommandTests.cs: " +
                "Prepare_Photos_PngsThatAPlainOnnxRuntimeSessionScoresAsPredictScoresThePhotos"],
        ["Scoring: export-samples"] =
            ["Scoring.Tests/Commands/ExportSamplesCommandTests.cs: ExportSamples_Out_WritesTheFirstTestImageOfEachClassAsA28x28Png"],
        ["for i in 1 2 3; do MLNETFASHION_REPLICA=r$i dotnet run --project Scoring -c Release -- serve --model artifacts/model.onnx " +
            "--urls http://127.0.0.1:508$i & done"] =
            [ScaleOut + "Haproxy_KillTerminateAndModelSwapUnderLoad_NoFailedRequestCompleteModelsSpreadOverReplicas"],
        ["haproxy -f deploy/haproxy/haproxy.cfg"] =
            [ScaleOut + "Haproxy_KillTerminateAndModelSwapUnderLoad_NoFailedRequestCompleteModelsSpreadOverReplicas"],
        ["dotnet run --project benchmarks -c Release -- scale-out --model artifacts/model.onnx"] =
            ["Benchmarks.Tests/Operations/ScaleOutBenchmarkTests.cs: Run_FewSeconds_BothPathsAnsweredEveryReplicaUsedNoneFailed"],
        ["docker build -f deploy/Dockerfile -t mlnetfashion-scoring ."] =
            [NotRunHere("no registry serves the base images to this machine")],
        ["docker build"] = [NotRunHere("no registry serves the base images to this machine")],
        ["kubectl apply -k deploy/kubernetes"] = [NotRunHere("there is no cluster")],
        ["kubectl apply"] = [NotRunHere("there is no cluster")],
    };

    [GeneratedRegex(@"^```(\w*)\r?\n(.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex FencedBlock();

    [GeneratedRegex(@"`([^`]+)`")]
    private static partial Regex CodeSpan();

    [GeneratedRegex(@"`dotnet run --project (\w+) -c Release -- COMMAND`")]
    private static partial Regex AppLine();

    [GeneratedRegex(@"usage: \./build\.(?:sh|ps1) ([^""]*)""")]
    private static partial Regex UsageLine();

    private static readonly string[] CommandStarts = ["./build.sh", "./build.ps1", "dotnet ", "curl ", "docker ", "kubectl ", "haproxy "];

    /// <summary>
    /// The commands a markdown file shows: each line of a bash block (without its # comment); each code span outside
    /// blocks that starts as a command (templates with COMMAND left out); and each form of a command table, as
    /// "App: words before the first [", the table following a line "`dotnet run --project App -c Release -- COMMAND`".
    /// </summary>
    internal static IReadOnlySet<string> Commands(string markdown)
    {
        var commands = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match block in FencedBlock().Matches(markdown).Where(b => b.Groups[1].Value == "bash"))
            foreach (string line in block.Groups[2].Value.Split('\n'))
            {
                string command = Regex.Replace(line, @"\s+#.*$", "").Trim();
                if (command.Length > 0) commands.Add(command);
            }
        string prose = FencedBlock().Replace(markdown, "");
        foreach (Match span in CodeSpan().Matches(prose))
        {
            string command = Regex.Replace(span.Groups[1].Value, @"\s+", " ").Trim();
            if (CommandStarts.Any(s => command.StartsWith(s, StringComparison.Ordinal)) && !command.Contains("COMMAND"))
                commands.Add(command);
        }
        string? app = null;
        foreach (string line in prose.Split('\n'))
        {
            if (line.StartsWith("## ", StringComparison.Ordinal)) app = null;
            Match appLine = AppLine().Match(line);
            if (appLine.Success) app = appLine.Groups[1].Value;
            if (app is null || !line.StartsWith("| `", StringComparison.Ordinal)) continue;
            string form = CodeSpan().Match(line).Groups[1].Value.Replace("\\|", "|");
            commands.Add($"{app}: {form.Split('[')[0].Trim()}");
        }
        return commands;
    }

    /// <summary>"./build.sh VERB" for each verb of the script's usage line.</summary>
    private static IEnumerable<string> BuildShVerbs(string root) =>
        Verbs(File.ReadAllText(Path.Combine(root, "build.sh"))).Select(v => "./build.sh " + v);

    private static IReadOnlyList<string> Verbs(string script) =>
        [.. UsageLine().Match(script).Groups[1].Value.Split('|').Select(v => v.Split(' ')[0])];

    [Fact]
    public void Commands_MarkdownWithABlockSpansAndATable_ReturnsEachCommandForm()
    {
        const string markdown = """
            Run `./build.sh pack`, or `dotnet run --project Tool -c Release -- COMMAND`:

            | command | |
            |---|---|
            | `go --fast\|--slow [--n N]` | goes |
            | `stop FILE` | stops |

            ```bash
            ./build.sh test   # all tests
            curl http://127.0.0.1/
            ```
            ## Next
            | `fast` | not a command: no app line in this section |
            `--model` alone is an option, `ls` no command of ours.
            """;

        Assert.Equal(["./build.sh pack", "./build.sh test", "Tool: go --fast|--slow", "Tool: stop FILE", "curl http://127.0.0.1/"],
            Commands(markdown).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Readmes_EveryCommand_RunByANamedTestOrCi()
    {
        string root = TrainInPipelineTests.Root();
        var shown = Commands(File.ReadAllText(Path.Combine(root, "README.md")))
            .Concat(Commands(File.ReadAllText(Path.Combine(root, "deploy", "README.md"))))
            .Concat(BuildShVerbs(root)).ToHashSet();
        Assert.True(shown.Count >= 25, $"expected README's commands, found {shown.Count}: {string.Join(" · ", shown)}");

        string[] untested = [.. shown.Where(c => !RunBy.ContainsKey(c)).Order(StringComparer.Ordinal)];
        Assert.True(untested.Length == 0, "commands in README.md or deploy/README.md that no test runs (add a test and list it in " +
            "ReadmeCommandTests.RunBy):\n" + string.Join('\n', untested));
        string[] gone = [.. RunBy.Keys.Where(c => !shown.Contains(c)).Order(StringComparer.Ordinal)];
        Assert.True(gone.Length == 0, "ReadmeCommandTests.RunBy lists commands no README shows any more:\n" + string.Join('\n', gone));
    }

    [Fact]
    public void RunBy_EveryTestNamed_ExistsAndCiRunsItsCommands()
    {
        string root = TrainInPipelineTests.Root();
        string[] ci = File.ReadAllLines(Path.Combine(root, ".ci", "run"));
        var missing = new List<string>();
        foreach (var (command, places) in RunBy)
            foreach (string place in places)
            {
                if (place == Ci)
                {
                    if (!ci.Any(l => l == command || l.StartsWith(command + " ", StringComparison.Ordinal)))
                        missing.Add($"{Ci}: {command}");
                    continue;
                }
                if (place.StartsWith(NotRunHere(""), StringComparison.Ordinal)) continue;
                string[] parts = place.Split(": ");
                string file = Path.Combine(root, "tests", parts[0]);
                if (!File.Exists(file) || !Regex.IsMatch(File.ReadAllText(file), $@"\b(void|Task) {parts[1]}\("))
                    missing.Add(place);
            }
        Assert.True(missing.Count == 0, "ReadmeCommandTests.RunBy names tests that do not exist:\n" + string.Join('\n', missing));
    }

    [Fact]
    public void Readme_Length_AtMost200Lines()
    {
        int lines = File.ReadAllLines(Path.Combine(TrainInPipelineTests.Root(), "README.md")).Length;

        Assert.True(lines <= 200, $"README.md has {lines} lines; it is for users and stays within 200 (figures go to docs/results.md)");
    }

    [Fact]
    public void BuildPs1_UsageLine_SameVerbsAsBuildSh()
    {
        string root = TrainInPipelineTests.Root();

        IReadOnlyList<string> bash = Verbs(File.ReadAllText(Path.Combine(root, "build.sh")));
        IReadOnlyList<string> powerShell = Verbs(File.ReadAllText(Path.Combine(root, "build.ps1")));

        Assert.Equal(["setup", "build", "test", "format", "pack", "train", "bench", "publish"], bash);
        Assert.Equal(bash, powerShell);
    }
}
