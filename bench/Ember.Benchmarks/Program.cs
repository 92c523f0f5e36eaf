using BenchmarkDotNet.Running;

// BenchmarkSwitcher: pick benchmarks interactively or with --filter; every BenchmarkDotNet option works
// (--job short, --inProcess, --memory, --exporters json ...). See bench/README.md.
BenchmarkSwitcher.FromAssembly(typeof(Ember.Benchmarks.GemmBenchmarks).Assembly).Run(args);
