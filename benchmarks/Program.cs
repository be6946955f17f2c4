using BenchmarkDotNet.Running;
using MlNetFashion.Benchmarks;

// Plain console modes print their tables in well under a minute; anything else goes to BenchmarkDotNet.
if (args is ["gemm", ..])
{
    GemmBenchmark.Run(filter: args.Length > 1 ? args[1] : "");
    return;
}
if (args is ["layers", ..])
{
    LayerBenchmark.Run(args);
    return;
}
if (args is ["onnx-vs-torch", ..])
{
    MlNetFashion.Benchmarks.OnnxVsTorch.OnnxVsTorchBenchmark.Run();
    return;
}
if (args is ["views", ..])
{
    TestTimeViewsBenchmark.Run(args[1..]);
    return;
}
if (args is ["checkpoints", ..])
{
    CheckpointAccuracyBenchmark.Run(args[1..]);
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(GemmBenchmark).Assembly).Run(args);
