namespace MlNetFashion.Tests.Shared;

/// <summary>
/// The .csproj of a console app as a user writes one (net10.0, nullable and implicit usings on) with the given references,
/// e.g. <c>ConsoleProject.Csproj([ConsoleProject.PackageReference("MlNetFashion.Scoring", version)])</c>.
/// </summary>
internal static class ConsoleProject
{
    /// <param name="references">The ItemGroup's lines.</param>
    /// <param name="warningsAsErrors">The repository's own rules besides: the latest C# and warnings as errors.</param>
    public static string Csproj(IEnumerable<string> references, bool warningsAsErrors = false)
    {
        string strict = warningsAsErrors
            ? """

                  <LangVersion>latest</LangVersion>
                  <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
              """
            : "";
        string items = string.Join('\n', references.Select(r => "    " + r));
        return $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>{strict}
              </PropertyGroup>
              <ItemGroup>
            {items}
              </ItemGroup>
            </Project>
            """;
    }

    public static string ProjectReference(string path) => $"<ProjectReference Include=\"{path}\" />";

    public static string PackageReference(string id, string version) => $"<PackageReference Include=\"{id}\" Version=\"{version}\" />";
}
