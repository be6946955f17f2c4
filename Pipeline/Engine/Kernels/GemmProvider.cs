namespace MlNetFashion.Engine.Kernels;

/// <summary>Which SGEMM implementation the kernels use. Auto picks the faster one available on this machine.</summary>
public enum GemmProvider
{
    Auto,
    OpenBlas,
    Managed,
}
