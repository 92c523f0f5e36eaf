using System.CommandLine;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using Spectre.Console;

namespace Ember.Cli;

/// <summary><c>ember info</c>: the version, what the CPU offers the kernels, threads and GPU availability.</summary>
internal static class InfoCommand
{
    public static Command Create()
    {
        var command = new Command("info", "Show Ember's version, SIMD width, threads and GPU availability.");
        command.SetAction(_ => Cli.Run(() =>
        {
            // No border: the long rows (OS, GPU) then fit in 80 columns, the width of a piped stdout.
            var table = new Table().HideHeaders().Border(TableBorder.None).AddColumns("", "");
            table.AddRow("Ember", EmberInfo.Version);
            table.AddRow(".NET", RuntimeInformation.FrameworkDescription);
            table.AddRow("OS / architecture", $"{RuntimeInformation.OSDescription} / {RuntimeInformation.ProcessArchitecture}");
            table.AddRow("SIMD width", $"{EmberInfo.SimdWidthBits} bits{(Fma.IsSupported ? ", FMA" : "")}{(Avx512F.IsSupported ? ", AVX-512" : "")}");
            table.AddRow("Threads", $"{Threads.Count} (of {Environment.ProcessorCount} logical processors)");
            table.AddRow("GPU", Markup.Escape(GpuLine()));
            Cli.Out.Write(table);
            return 0;
        }));
        return command;
    }

    // Ember has no CUDA backend yet: say whether the driver is present so users know what a future
    // build would find, and that this one computes on the CPU.
    private static string GpuLine()
    {
        bool driver = NativeLibrary.TryLoad("libcuda.so.1", out var handle);
        if (driver) NativeLibrary.Free(handle);
        return driver
            ? "NVIDIA driver found (libcuda.so.1); this build computes on the CPU only"
            : "none (no NVIDIA driver found); computing on the CPU";
    }
}
