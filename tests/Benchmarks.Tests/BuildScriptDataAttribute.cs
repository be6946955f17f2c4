using System.Reflection;
using Xunit.Sdk;

namespace MlNetFashion.Benchmarks.Tests;

/// <summary>The two build scripts, which have the same verbs.</summary>
public enum BuildScript
{
    /// <summary>build.sh, run by bash.</summary>
    Bash,

    /// <summary>build.ps1, run by PowerShell 7.</summary>
    PowerShell,
}

/// <summary>
/// One theory row per build script; the PowerShell row is skipped, with the reason shown, when PowerShell 7 is not
/// installed (as <see cref="PwshFactAttribute"/>).
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class BuildScriptDataAttribute : DataAttribute
{
    private readonly BuildScript _script;

    public BuildScriptDataAttribute(BuildScript script)
    {
        _script = script;
        if (script == BuildScript.PowerShell && PwshFactAttribute.Pwsh is null) Skip = PwshFactAttribute.NotInstalled;
    }

    public override IEnumerable<object[]> GetData(MethodInfo testMethod) => [[_script]];
}
