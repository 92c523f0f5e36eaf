using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.ExceptionServices;
using System.Text;
using Xunit;

namespace Ember.Tests;

/// <summary>
/// The examples' expected failures (a wrong argument, a device this machine lacks, missing data, a plot
/// path that cannot be written) end in one line on stderr and a non-zero exit code, never a stack trace.
/// Each example file is compiled as it stands and its entry point run in-process (<see cref="ExampleProgram"/>),
/// which takes well under a second, where <c>dotnet run file.cs</c> would build for many seconds.
/// </summary>
[Collection("DefaultGenerator")]   // the examples seed the default generator
public class ExampleFailureTests
{
    private static void AssertOneLine(string expectedStart, (int Code, string Out, string Err) run, int code)
    {
        Assert.Equal(code, run.Code);
        Assert.StartsWith(expectedStart, run.Err);
        Assert.EndsWith(Environment.NewLine, run.Err);
        Assert.DoesNotContain('\n', run.Err.TrimEnd());
        Assert.DoesNotContain("   at ", run.Err);
    }

    [Theory]
    [InlineData("01-manual-backprop")]
    [InlineData("03-autograd")]
    [InlineData("04-custom-function")]
    [InlineData("05-nn")]
    [InlineData("06-optim")]
    [InlineData("07-custom-module")]
    [InlineData("08-dynamic-net")]
    public void ExamplesWithoutArgumentsRefuseOne(string name)
    {
        var run = ExampleProgram.Run(name, "--epochs", "3");
        AssertOneLine($"{name}: this example takes no arguments (got '--epochs').", run, 2);
        Assert.Equal("", run.Out);
    }

    [Fact]
    public void TensorBackpropNamesABadDeviceString()
    {
        AssertOneLine("02-tensor-backprop: Device.Parse: invalid device string 'tpu'", ExampleProgram.Run("02-tensor-backprop", "tpu"), 2);
        AssertOneLine("02-tensor-backprop: takes at most one argument", ExampleProgram.Run("02-tensor-backprop", "cpu", "cuda"), 2);
    }

    [Fact]
    public void TensorBackpropReportsAGpuItCannotUse()
    {
        // No machine has 65 GPUs, so this device is unavailable with or without a CUDA backend.
        var run = ExampleProgram.Run("02-tensor-backprop", "cuda:64");
        AssertOneLine("02-tensor-backprop: ", run, 1);
        Assert.Contains("cuda:64", run.Err);
        Assert.Contains("not available", run.Err);
    }

    [Fact]
    public void LinearRegressionRefusesAPlotPathItCannotWriteBeforeTraining()
    {
        string dir = Directory.CreateTempSubdirectory("ember-example09-").FullName;
        try
        {
            var folder = ExampleProgram.Run("09-linear-regression", dir);
            AssertOneLine($"09-linear-regression: {dir} is a folder; give the plot's file name", folder, 2);
            Assert.Equal("", folder.Out);   // refused before training, not after

            string file = Path.Combine(dir, "taken");
            File.WriteAllText(file, "");
            var underFile = ExampleProgram.Run("09-linear-regression", Path.Combine(file, "plot.png"));
            AssertOneLine($"09-linear-regression: cannot write the plot to {Path.Combine(file, "plot.png")}: {file} is a file, not a folder.", underFile, 2);

            AssertOneLine("09-linear-regression: takes at most one argument", ExampleProgram.Run("09-linear-regression", "a.png", "b.png"), 2);
            AssertOneLine("09-linear-regression: takes at most one argument", ExampleProgram.Run("09-linear-regression", "--plot"), 2);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void LinearRegressionStillPrintsPyTorchsFitAndWritesThePlot()
    {
        string dir = Directory.CreateTempSubdirectory("ember-example09-").FullName;
        try
        {
            string plot = Path.Combine(dir, "fit.png");
            var run = ExampleProgram.Run("09-linear-regression", plot);
            Assert.Equal(0, run.Code);
            Assert.Equal("", run.Err);
            Assert.Contains("w = 2.9645, b = 2.1146", run.Out);
            Assert.True(new FileInfo(plot).Length > 0);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void CifarExampleRefusesBadArguments()
    {
        AssertOneLine("10-cifar10: --dataset must be cifar10 or fashion-mnist, got 'imagenet'.", ExampleProgram.Run("10-cifar10", "--dataset", "imagenet"), 2);
        AssertOneLine("10-cifar10: unknown argument '--epochs'; usage: dotnet run examples/10-cifar10.cs", ExampleProgram.Run("10-cifar10", "--epochs", "3"), 2);
        AssertOneLine("10-cifar10: --data-dir needs a value; usage:", ExampleProgram.Run("10-cifar10", "--data-dir"), 2);
        AssertOneLine("10-cifar10: --dataset needs a value; usage:", ExampleProgram.Run("10-cifar10", "--dataset", "--download"), 2);
        var help = ExampleProgram.Run("10-cifar10", "--help");
        Assert.Equal(0, help.Code);
        Assert.StartsWith("usage: dotnet run examples/10-cifar10.cs", help.Out);
    }

    [Fact]
    public void CifarExampleSaysWhereItLookedAndHowToDownload()
    {
        string dir = Directory.CreateTempSubdirectory("ember-example10-").FullName;
        try
        {
            var run = ExampleProgram.Run("10-cifar10", "--data-dir", dir);
            AssertOneLine($"10-cifar10: CIFAR-10 not found (looked in {Path.Combine(dir, "cifar-10-batches-py")}, {Path.Combine(dir, "cifar-10-batches-bin")}); run with --download", run, 1);
            Assert.Contains("--data-dir DIR", run.Err);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}

/// <summary>
/// Compiles an example (examples/NAME.cs, a .NET file-based program) with <see cref="CSharpProgram"/> and runs its entry point with the given arguments,
/// capturing what it writes to Console.Out and Console.Error on this call's own flow (other tests
/// running at the same time keep writing to the real console).
/// </summary>
internal static class ExampleProgram
{
    private static readonly ConcurrentDictionary<string, Lazy<MethodInfo>> Compiled = new();
    private static readonly Lazy<(RoutedWriter Out, RoutedWriter Err)> Capture = new(() =>
    {
        var routed = (new RoutedWriter(Console.Out), new RoutedWriter(Console.Error));
        Console.SetOut(routed.Item1);
        Console.SetError(routed.Item2);
        return routed;
    });

    public static (int Code, string Out, string Err) Run(string name, params string[] args)
    {
        MethodInfo entry = Compiled.GetOrAdd(name, n => new Lazy<MethodInfo>(() => Compile(n))).Value;
        var (stdout, stderr) = Capture.Value;
        var output = new StringWriter { NewLine = Environment.NewLine };
        var error = new StringWriter { NewLine = Environment.NewLine };
        stdout.Target.Value = output;
        stderr.Target.Value = error;
        try
        {
            int code = CSharpProgram.Invoke(entry, args);
            return (code, output.ToString(), error.ToString());
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            // An example that crashes fails the test with the example's own exception and stack trace.
            ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }
        finally
        {
            stdout.Target.Value = null;
            stderr.Target.Value = null;
        }
    }

    private static MethodInfo Compile(string name)
    {
        string path = Path.Combine(ExamplesFolder(), name + ".cs");
        var (errors, image, pdb) = CSharpProgram.Compile("example_" + name.Replace('-', '_'), CSharpProgram.WithoutSdkDirectives(File.ReadAllText(path)), path);
        if (image is null) throw new InvalidOperationException($"{path} does not compile:\n" + string.Join("\n", errors));
        return Assembly.Load(image, pdb).EntryPoint!;
    }

    private static string ExamplesFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "examples", "01-manual-backprop.cs")))
                return Path.Combine(dir.FullName, "examples");
        throw new DirectoryNotFoundException($"no examples/ folder above {AppContext.BaseDirectory}");
    }

    // Sends a write to the capturing writer of the flow that set one, and everything else on to the console.
    private sealed class RoutedWriter(TextWriter console) : TextWriter
    {
        public readonly AsyncLocal<TextWriter?> Target = new();
        public override Encoding Encoding => console.Encoding;
        private TextWriter Current => Target.Value ?? console;
        public override void Write(char value) => Current.Write(value);
        public override void Write(string? value) => Current.Write(value);
        public override void Write(char[] buffer, int index, int count) => Current.Write(buffer, index, count);
        public override void WriteLine(string? value) => Current.WriteLine(value);
        public override void Flush() => Current.Flush();
    }
}
