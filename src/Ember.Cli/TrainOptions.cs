using System.CommandLine;

namespace Ember.Cli;

/// <summary>The settings of one training run.</summary>
internal sealed record TrainSettings(string Model, string Dataset, int Epochs, int BatchSize, double Lr, double Momentum, int Seed,
    int? Threads, int Workers, string DataDir, string OutputDir, string Device, bool Download, int LogEvery,
    int CheckpointEvery, string? Resume);

/// <summary>The options of <c>ember train</c>, with the chapter's recipe as defaults.</summary>
internal sealed class TrainOptions
{
    private readonly Option<string> _model = new("--model") { Description = "lenet or mlp", DefaultValueFactory = _ => "lenet" };
    private readonly Option<string> _dataset = new("--dataset") { Description = "cifar10, fashion-mnist or mnist", DefaultValueFactory = _ => "cifar10" };
    private readonly Option<int> _epochs = new("--epochs") { Description = "passes over the training set", DefaultValueFactory = _ => 2 };
    private readonly Option<int> _batchSize = new("--batch-size") { Description = "images per mini-batch", DefaultValueFactory = _ => 4 };
    private readonly Option<double> _lr = new("--lr") { Description = "SGD learning rate", DefaultValueFactory = _ => 0.001 };
    private readonly Option<double> _momentum = new("--momentum") { Description = "SGD momentum", DefaultValueFactory = _ => 0.9 };
    private readonly Option<int> _seed = new("--seed") { Description = "seed of the initial weights and of the shuffles", DefaultValueFactory = _ => 0 };
    private readonly Option<int?> _threads = new("--threads") { Description = "threads for the CPU kernels (default: all logical processors)" };
    private readonly Option<int> _workers = new("--workers") { Description = "DataLoader worker threads", DefaultValueFactory = _ => 2 };
    private readonly Option<string> _dataDir = new("--data-dir") { Description = "where the datasets are (or are downloaded to)", DefaultValueFactory = _ => "data" };
    private readonly Option<string?> _outputDir = new("--output-dir") { Description = "where the checkpoint, loss curve and metrics go (default: runs/DATASET-MODEL)" };
    private readonly Option<string> _device = new("--device") { Description = "cpu (cuda:N once Ember has a CUDA backend)", DefaultValueFactory = _ => "cpu" };
    private readonly Option<bool> _download = new("--download") { Description = "download the dataset if it is not found" };
    private readonly Option<int> _logEvery = new("--log-every") { Description = "print the average loss every this many mini-batches", DefaultValueFactory = _ => 2000 };
    private readonly Option<int> _checkpointEvery = new("--checkpoint-every") { Description = "also write the checkpoint every this many mini-batches (0: only at the end of each epoch)", DefaultValueFactory = _ => 0 };
    private readonly Option<string?> _resume = new("--resume") { Description = "continue the run saved in this checkpoint (written by an interrupted or finished ember train)" };

    public void AddTo(Command command)
    {
        foreach (Option option in new Option[] { _model, _dataset, _epochs, _batchSize, _lr, _momentum, _seed, _threads, _workers, _dataDir, _outputDir, _device, _download, _logEvery, _checkpointEvery, _resume })
            command.Options.Add(option);
    }

    // The checks the parser runs (OptionChecks); an out-of-range value is a usage error before anything loads.
    public TrainOptions()
    {
        _model.OneOf(Models.Names);
        _dataset.OneOf(DataChoice.Names);
        _epochs.AtLeast(1);
        _batchSize.AtLeast(1);
        _lr.Positive();
        _momentum.NonNegative();
        _threads.AtLeast(1);
        _workers.AtLeast(0);
        _outputDir.NotAFile();   // the default folder taken by a file is OutputFolder.Check's
        _dataDir.NotAFile();
        _device.IsDevice();
        _logEvery.AtLeast(1);
        _checkpointEvery.AtLeast(0);
    }

    public TrainSettings Read(ParseResult r)
    {
        string model = r.GetValue(_model)!, dataset = r.GetValue(_dataset)!;
        var s = new TrainSettings(model, dataset, r.GetValue(_epochs), r.GetValue(_batchSize), r.GetValue(_lr), r.GetValue(_momentum),
            r.GetValue(_seed), r.GetValue(_threads), r.GetValue(_workers), r.GetValue(_dataDir)!,
            r.GetValue(_outputDir) ?? Path.Combine("runs", $"{dataset}-{model}"), r.GetValue(_device)!, r.GetValue(_download), r.GetValue(_logEvery),
            r.GetValue(_checkpointEvery), r.GetValue(_resume));
        return s;
    }
}
