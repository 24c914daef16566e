using BenchmarkDotNet.Running;

// Run all with: dotnet run -c Release --project bench/Wmix.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);

/// <summary>Entry point holder for the benchmark switcher.</summary>
internal static partial class Program;
