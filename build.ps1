# MlNetFashion build script for Windows (mirror of build.sh). Verbs: setup | build | test | format | pack | train [args] |
# bench [args] | publish [DIR] [args]
# Data: put the four Fashion-MNIST files in ./data or $env:FASHION_MNIST_DIR, or let `setup` download them.
# Paths use forward slashes, which Windows and PowerShell on Linux both read.
param([Parameter(Position = 0)][string]$Verb = "", [Parameter(ValueFromRemainingArguments = $true)][string[]]$Rest = @())
$ErrorActionPreference = "Stop"
Set-Location $PSScriptRoot
$Config = "Release"
$env:DOTNET_CLI_TELEMETRY_OPTOUT = "1"; $env:DOTNET_NOLOGO = "1"

function Invoke-Checked { param([string[]]$Cmd) & $Cmd[0] $Cmd[1..($Cmd.Length - 1)]; if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE } }

# Runs a command, echoing its output and adding every line to $Log; returns its exit code.
function Invoke-Logged {
    param([System.Collections.Generic.List[string]]$Log, [string[]]$Cmd)
    & $Cmd[0] $Cmd[1..($Cmd.Length - 1)] 2>&1 | ForEach-Object { $line = "$_"; $Log.Add($line); [Console]::WriteLine($line) }
    return $LASTEXITCODE
}

function Test-Data {
    # The apps' own order after --data-dir: FASHION_MNIST_DIR alone when set, else ./data, then Debian's package folder.
    $folders = if ($env:FASHION_MNIST_DIR) { @($env:FASHION_MNIST_DIR) } else { @("./data", "/usr/share/datasets/fashion-mnist") }
    foreach ($d in $folders) {
        if ($d -and (Get-ChildItem -Path $d -Filter "train-images-idx3-ubyte*" -ErrorAction SilentlyContinue)) { return $true }
    }
    return $false
}
# With FASHION_MNIST_DIR set the apps read that folder and no other, so a missing copy is fetched there.
function Setup-Data {
    $target = if ($env:FASHION_MNIST_DIR) { $env:FASHION_MNIST_DIR } else { "./data" }
    if (-not (Test-Data)) {
        Invoke-Checked @("dotnet", "run", "--project", "Training", "-c", $Config, "--", "data", "fetch", "--data-dir", $target)
    }
}
function Restore { Invoke-Checked @("dotnet", "restore", "MlNetFashion.sln", "--nologo", "-v", "quiet") }
# train and bench build the app without the code-style analyzers (test and format check the style): a fresh clone's
# build takes about a quarter less, the assemblies are the same, and source generators still run.
function Invoke-App([string[]] $AppArgs) {
    Invoke-Checked (@("dotnet", "run", "--project", "Training", "-c", $Config, "--no-restore", "--property:RunAnalyzers=false", "--") + $AppArgs)
}
function Build { Invoke-Checked @("dotnet", "build", "MlNetFashion.sln", "-c", $Config, "--nologo", "-v", "quiet", "--no-restore") }
# Code style as .editorconfig states it (build.sh's check_style), after the build: whitespace, code style and analyzers
# in one dotnet format pass, and C# lines of at most 140 characters. One "style:" line per finding.
function Check-Style {
    $failed = $false
    $sources = Get-ChildItem -Recurse -Filter *.cs -File |
        Where-Object { $_.FullName -notmatch '[\\/](bin|obj|artifacts|TestResults)[\\/]' }
    foreach ($line in ($sources | Select-String -Pattern '^.{141,}' -Encoding utf8)) {
        $at = "$(Resolve-Path -Relative $line.Path):$($line.LineNumber)"
        [Console]::WriteLine("style: ${at}: longer than 140 characters (max_line_length in .editorconfig)")
        $failed = $true
    }
    $out = & dotnet format MlNetFashion.sln --verify-no-changes --no-restore -v quiet 2>&1
    if ($LASTEXITCODE -eq 2) {
        # "C:/repo/dir/file.cs(12,5): warning IDE1006: message [project]" -> "style: dir/file.cs:12: IDE1006 message"
        $seen = @{}
        foreach ($finding in $out) {
            if ("$finding" -match '^(.+)\((\d+),\d+\): (error|warning) ([A-Za-z0-9]+): (.*) \[[^\]]*\]$') {
                $file = [System.IO.Path]::GetRelativePath($PSScriptRoot, $Matches[1]).Replace('\', '/')
                $text = "style: ${file}:$($Matches[2]): $($Matches[4]) $($Matches[5])"
                if (-not $seen.ContainsKey($text)) { $seen[$text] = $true; [Console]::WriteLine($text) }
            }
        }
        [Console]::WriteLine("style: ./build.ps1 format fixes what dotnet format can (git diff shows where)")
        $failed = $true
    }
    elseif ($LASTEXITCODE -ne 0) {
        $out | ForEach-Object { [Console]::WriteLine("$_") }
        [Console]::WriteLine("style: dotnet format failed (exit $LASTEXITCODE)")
        $failed = $true
    }
    if ($failed) { exit 1 }
}
# The libraries a user references, as NuGet packages (.nupkg + .snupkg) in artifacts/packages.
function Pack {
    Remove-Item -Path "artifacts/packages/MlNetFashion.*.nupkg", "artifacts/packages/MlNetFashion.*.snupkg" -ErrorAction SilentlyContinue
    # The same commit packs the same bytes anywhere: /_/ source paths, the commit's time on every file.
    $epoch = try { git log -1 --format=%ct 2>$null } catch { $null }
    $stamp = if ($epoch -match '^\d+$') { @("-p:DeterministicTimestamp=$epoch") } else { @() }
    $projects = @("Pipeline/Engine/MlNetFashion.Engine.csproj", "Pipeline/MlNet/MlNetFashion.Pipeline.csproj",
        "Scoring/Library/MlNetFashion.Scoring.csproj")
    foreach ($p in $projects) {
        Invoke-Checked (@("dotnet", "pack", $p, "-c", $Config, "--nologo", "-v", "quiet", "-p:ContinuousIntegrationBuild=true",
                "-o", "artifacts/packages") + $stamp)
    }
    Get-ChildItem -Path "artifacts/packages/MlNetFashion.*" | ForEach-Object { [Console]::WriteLine($_.FullName) }
}

# The GPU variant (ONNX Runtime's CUDA package) of the scoring tests, beside the CPU build (artifacts/gpu), for this
# machine's RID only; without CUDA its Category=Gpu tests check the one-line CPU fallback. As build.sh's gpu_test.
function Test-Gpu {
    param([System.Collections.Generic.List[string]]$Log)
    $info = & dotnet --info | Select-String -Pattern '^\s*RID:\s*(\S+)' | Select-Object -First 1
    $rid = if ($info) { $info.Matches[0].Groups[1].Value } else { "" }
    $variant = @("-c", $Config, "-r", $rid, "-p:OnnxRuntimeGpu=true", "--nologo")
    $built = Invoke-Logged $Log (@("dotnet", "build", "tests/Scoring.Tests", "--self-contained", "false", "-v", "quiet") + $variant)
    if ($built -ne 0) { return $built }
    return Invoke-Logged $Log (@("dotnet", "test", "tests/Scoring.Tests", "--no-build", "--filter", "Category=Gpu") + $variant)
}

function Test {
    Restore; Setup-Data; Build; Check-Style
    $trx = "TestResults/build-test"
    Remove-Item -Recurse -Force -Path $trx -ErrorAction SilentlyContinue
    $log = [System.Collections.Generic.List[string]]::new()
    $status = Invoke-Logged $log (@("dotnet", "test", "MlNetFashion.sln", "-c", $Config, "--no-build", "--nologo", "--logger", "trx",
            "--results-directory", $trx) + $Rest)
    $gpu = Test-Gpu $log
    if ($gpu -ne 0) { $status = $gpu }
    # One closing line over all test assemblies, in the plain form CI reads: "N passed, N failed, N skipped".
    $count = @{ Passed = 0; Failed = 0; Skipped = 0 }
    foreach ($line in $log | Where-Object { $_ -match '^(Passed|Failed|Skipped)!' }) {
        foreach ($key in @("Passed", "Failed", "Skipped")) { if ($line -match "\b${key}:\s*(\d+)") { $count[$key] += [int]$Matches[1] } }
    }
    [Console]::WriteLine("tests: $($count.Passed) passed, $($count.Failed) failed, $($count.Skipped) skipped")
    # Every tool a test needs is installed by setup, so a skip is a test that did not run: it fails the run unless
    # MLNETFASHION_ALLOW_SKIPS=1. Names and reasons from the TRX files.
    if ($count.Skipped -ne 0) {
        if ($env:MLNETFASHION_ALLOW_SKIPS -eq "1") { [Console]::WriteLine("tests: skips allowed (MLNETFASHION_ALLOW_SKIPS=1):") }
        else {
            [Console]::WriteLine("tests: a skipped test fails the run (MLNETFASHION_ALLOW_SKIPS=1 allows skips):")
            if ($status -eq 0) { $status = 1 }
        }
        foreach ($file in Get-ChildItem -Path $trx -Filter "*.trx" -ErrorAction SilentlyContinue) {
            $run = [xml](Get-Content -Raw -Path $file.FullName)
            foreach ($result in $run.TestRun.Results.UnitTestResult | Where-Object { $_.outcome -eq "NotExecuted" }) {
                [Console]::WriteLine("  skipped $($result.testName) [$($result.Output.ErrorInfo.Message)]")
            }
        }
    }
    exit $status
}

switch ($Verb) {
    "setup" { Restore; Setup-Data }
    "build" { Restore; Build }
    "test" { Test }
    "format" { Restore; Invoke-Checked @("dotnet", "format", "MlNetFashion.sln", "--no-restore", "-v", "quiet") }
    "pack" { Pack }
    "train" { Restore; Setup-Data; Invoke-App (@("train") + $Rest) }
    "bench" { Restore; Invoke-App (@("bench") + $Rest) }
    "publish" {
        # The scoring service as deployed (build.sh's publish verb, which deploy/Dockerfile runs).
        $out = if ($Rest.Count -gt 0) { $Rest[0] } else { "artifacts/publish/scoring" }
        $more = if ($Rest.Count -gt 1) { $Rest[1..($Rest.Count - 1)] } else { @() }
        $publish = @("dotnet", "publish", "Scoring/MlNetFashion.Scoring.App.csproj", "-c", $Config, "--nologo", "-v", "quiet", "-o", $out)
        Invoke-Checked ($publish + $more)
    }
    default {
        [Console]::Error.WriteLine("usage: ./build.ps1 setup|build|test|format|pack|train [args]|bench [args]|publish [DIR] [args]")
        exit 2
    }
}
