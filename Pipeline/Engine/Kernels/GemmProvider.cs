namespace MlNetFashion.Engine.Kernels;

/// <summary>Which SGEMM implementation the kernels use. Auto applies a fixed rule (<see cref="GemmAutoSelection"/>).</summary>
public enum GemmProvider
{
    Auto,
    OpenBlas,
    Managed,
}
