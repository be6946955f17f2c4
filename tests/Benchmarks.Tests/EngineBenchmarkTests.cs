using System.Diagnostics;
using System.Globalization;

namespace MlNetFashion.Benchmarks.Tests;

/// <summary>`benchmarks -- engine`: the one command that prints the engine/SGEMM and engine/PyTorch ratios.</summary>
public sealed class EngineBenchmarkTests
{
    public sealed class TorchFactAttribute : FactAttribute
    {
        public TorchFactAttribute()
        {
            if (!File.Exists("/usr/bin/python3")) Skip = "no /usr/bin/python3: install python3-torch.";
            else
            {
                using var python = Process.Start(new ProcessStartInfo("/usr/bin/python3", ["-c", "import torch"])
                {
                    RedirectStandardError = true,
                })!;
                python.StandardError.ReadToEnd();
                python.WaitForExit();
                if (python.ExitCode != 0) Skip = "/usr/bin/python3 cannot import torch: install python3-torch.";
            }
        }
    }

    [TorchFact]
    public void Run_TinySizes_PrintsBothNetsWithEveryRatio()
    {
        var (exit, output, error) = Cli.Run("engine", "--seconds", "0.2", "--batch-size", "4", "--gemm-size", "64", "--threads", "1");

        Assert.True(exit == 0, error);
        Assert.Contains("managed SGEMM 64³ before and after fast: ", output);
        Assert.Contains("managed SGEMM 64³ before and after mcnn-paper: ", output);
        Assert.DoesNotContain("PyTorch not measured", output);
        string[] lines = output.Split('\n');
        foreach (string net in new[] { "fast", "mcnn-paper" })
        {
            string[] cells = lines.Single(l => l.StartsWith(net + " ", StringComparison.Ordinal))
                .Split(' ', StringSplitOptions.RemoveEmptyEntries);
            // net, train img/s, GFLOP/s, SGEMM, /SGEMM, ≥, goal, PyTorch img/s, /PyTorch, ≥, goal, infer img/s, PyTorch, ratio
            Assert.Equal(14, cells.Length);
            foreach (int column in new[] { 1, 2, 3, 4, 7, 8, 11, 12, 13 })
                Assert.True(double.Parse(cells[column], NumberStyles.Number, CultureInfo.InvariantCulture) > 0, $"{net}: {cells[column]}");
        }
    }

    [Theory]
    [InlineData(186.8, 351.2)]
    [InlineData(351.2, 186.8)]
    public void UnsteadyNote_SgemmFiguresApart_WarnsNamingTheNet(double before, double after)
    {
        string? note = EngineBenchmark.UnsteadyNote("fast", before, after);

        Assert.NotNull(note);
        Assert.StartsWith("warning: the SGEMM figures around fast differ 1.88×: the cores were shared", note);
    }

    [Theory]
    [InlineData(362.6, 347.5)]
    [InlineData(300, 360)]
    public void UnsteadyNote_SgemmFiguresClose_Null(double before, double after)
        => Assert.Null(EngineBenchmark.UnsteadyNote("fast", before, after));

    [Fact]
    public void Table_WithoutPyTorch_RatioToSgemmAndDashes()
    {
        var row = new EngineBenchmark.Row("mcnn-paper", "Winograd", 1000, 120, 300, 4000, null, null);

        string table = EngineBenchmark.Table([row]);

        string[] cells = table.Split('\n')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["mcnn-paper", "1,000", "120.0", "300", "0.40", "≥", "0.6", "—", "—", "≥", "2.5", "4,000", "—", "—"], cells);
    }

    [Fact]
    public void Table_WithPyTorch_RatiosOfImagesPerSecond()
    {
        var row = new EngineBenchmark.Row("fast", "Winograd", 1500, 300, 250, 6000, 500, 2000);

        string table = EngineBenchmark.Table([row]);

        string[] cells = table.Split('\n')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["fast", "1,500", "300.0", "250", "1.20", "≥", "1.0", "500", "3.00", "≥", "2.5", "6,000", "2,000", "3.00"], cells);
    }

    [Fact]
    public void Table_TwoNets_EachRatioToTheSgemmMeasuredBesideIt()
    {
        EngineBenchmark.Row[] rows =
        [
            new("fast", "Winograd", 1500, 300, 150, 6000, null, null),
            new("mcnn-paper", "Winograd", 4000, 120, 300, 15000, null, null),
        ];

        string[] lines = EngineBenchmark.Table(rows).Split('\n');

        Assert.Equal("2.00", lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries)[4]);
        Assert.Equal("0.40", lines[2].Split(' ', StringSplitOptions.RemoveEmptyEntries)[4]);
    }

    [Fact]
    public void Parse_Quick_ShorterMeasurements()
    {
        var settings = EngineBenchmark.Parse(["--quick", "--threads", "3"]);

        Assert.Equal(EngineBenchmark.Settings.Quick with { Threads = 3 }, settings);
        Assert.True(settings.Seconds < EngineBenchmark.Settings.Default.Seconds);
    }

}
