# MlNetFashion build script for Windows (mirror of build.sh). Verbs: setup | build | test | pack | train [args] | bench [args] |
# publish [DIR] [args]
# Data: put the four Fashion-MNIST files in .\data or $env:FASHION_MNIST_DIR, or let `setup` download them.
param([Parameter(Position = 0)][string]$Verb = "", [Parameter(ValueFromRemainingArguments = $true)][string[]]$Rest = @())
$ErrorActionPreference = "Stop"
Set-Location $PSScriptRoot
$Config = "Release"

function Invoke-Checked { param([string[]]$Cmd) & $Cmd[0] $Cmd[1..($Cmd.Length - 1)]; if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE } }

function Test-Data {
    $folders = if ($env:FASHION_MNIST_DIR) { @($env:FASHION_MNIST_DIR) } else { @(".\data") }
    foreach ($d in $folders) {
        if ($d -and (Get-ChildItem -Path $d -Filter "train-images-idx3-ubyte*" -ErrorAction SilentlyContinue)) { return $true }
    }
    return $false
}
# With FASHION_MNIST_DIR set the apps read that folder and no other, so a missing copy is fetched there.
function Setup-Data {
    $target = if ($env:FASHION_MNIST_DIR) { $env:FASHION_MNIST_DIR } else { ".\data" }
    if (-not (Test-Data)) { Invoke-Checked @("dotnet", "run", "--project", "Training", "-c", $Config, "--", "data", "fetch", "--data-dir", $target) }
}
function Restore { Invoke-Checked @("dotnet", "restore", "MlNetFashion.sln", "--nologo", "-v", "quiet") }
function Build { Invoke-Checked @("dotnet", "build", "MlNetFashion.sln", "-c", $Config, "--nologo", "-v", "quiet", "--no-restore") }
# The libraries a user references, as NuGet packages (.nupkg + .snupkg) in artifacts\packages.
function Pack {
    Remove-Item -Path "artifacts\packages\MlNetFashion.*.nupkg", "artifacts\packages\MlNetFashion.*.snupkg" -ErrorAction SilentlyContinue
    # The same commit packs the same bytes anywhere: /_/ source paths, the commit's time on every file.
    $epoch = try { git log -1 --format=%ct 2>$null } catch { $null }
    $stamp = if ($epoch -match '^\d+$') { @("-p:DeterministicTimestamp=$epoch") } else { @() }
    foreach ($p in @("Pipeline\Engine\MlNetFashion.Engine.csproj", "Pipeline\MlNet\MlNetFashion.Pipeline.csproj", "Scoring\Library\MlNetFashion.Scoring.csproj")) {
        Invoke-Checked (@("dotnet", "pack", $p, "-c", $Config, "--nologo", "-v", "quiet", "-p:ContinuousIntegrationBuild=true", "-o", "artifacts\packages") + $stamp)
    }
}

switch ($Verb) {
    "setup" { Restore; Setup-Data }
    "build" { Restore; Build }
    "test" { Restore; Setup-Data; Build; Invoke-Checked (@("dotnet", "test", "MlNetFashion.sln", "-c", $Config, "--no-build", "--nologo") + $Rest) }
    "pack" { Pack }
    "train" { Restore; Setup-Data; Invoke-Checked (@("dotnet", "run", "--project", "Training", "-c", $Config, "--", "train") + $Rest) }
    "bench" { Restore; Invoke-Checked (@("dotnet", "run", "--project", "Training", "-c", $Config, "--", "bench") + $Rest) }
    "publish" {
        # The scoring service as deployed (build.sh's publish verb, which deploy/Dockerfile runs).
        $out = if ($Rest.Count -gt 0) { $Rest[0] } else { "artifacts\publish\scoring" }
        $more = if ($Rest.Count -gt 1) { $Rest[1..($Rest.Count - 1)] } else { @() }
        Invoke-Checked (@("dotnet", "publish", "Scoring/MlNetFashion.Scoring.App.csproj", "-c", $Config, "--nologo", "-v", "quiet", "-o", $out) + $more)
    }
    default { Write-Error "usage: .\build.ps1 setup|build|test|pack|train [args]|bench [args]|publish [DIR] [args]"; exit 2 }
}
