using System.CommandLine;

namespace Ember.Cli;

/// <summary><c>ember eval</c>: a checkpoint's accuracy on a test set, per class and as a confusion matrix.</summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        var checkpoint = new Argument<string>("checkpoint") { Description = "a checkpoint written by `ember train`" };
        var dataset = new Option<string?>("--dataset") { Description = "the test set (default: the one the model was trained on)" }.OneOf(DataChoice.Names);
        var dataDir = new Option<string>("--data-dir") { Description = "where the datasets are", DefaultValueFactory = _ => "data" }.NotAFile();
        var download = new Option<bool>("--download") { Description = "download the dataset if it is not found" };
        var threads = new Option<int?>("--threads") { Description = "threads for the CPU kernels" }.AtLeast(1);
        var command = new Command("eval", "Evaluate a checkpoint on a test set.") { checkpoint, dataset, dataDir, download, threads };
        command.SetAction(pr => Cli.Run(() =>
        {
            if (pr.GetValue(threads) is { } t) Threads.Count = t;
            string path = pr.GetValue(checkpoint)!;
            Cli.RequireFile(path, "checkpoint");
            var (header, model) = CliCheckpoint.Load(path);
            string name = pr.GetValue(dataset) ?? header.Dataset;
            var test = DataChoice.Open(name, pr.GetValue(dataDir)!, train: false, pr.GetValue(download));
            if (test.Channels != header.Channels || test.Size != header.Size)
                throw new CliException($"the checkpoint's {header.Model} takes {header.Channels}x{header.Size}x{header.Size} images ({header.Dataset}), " +
                    $"but {name} has {test.Channels}x{test.Size}x{test.Size}.");
            Evaluation.Run(model, test.Dataset).Print();
            return 0;
        }));
        return command;
    }
}
