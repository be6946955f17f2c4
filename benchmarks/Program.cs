using MlNetFashion.Benchmarks;

return BenchmarkCommandLine.Run(args);
