using System.CommandLine;

namespace Ember.Cli;

/// <summary>The settings of one training run.</summary>
internal sealed record TrainSettings(string Model, string Dataset, int Epochs, int BatchSize, double Lr, double Momentum, int Seed,
    int? Threads, int Workers, string DataDir, string OutputDir, string Device, bool Download, int LogEvery,
    int CheckpointEvery, string? Resume, LmSettings Lm, bool Distributed = false);

/// <summary>The settings only <c>--model lstm-lm</c> reads (the example's <c>--nhid</c>/<c>--emsize</c>, <c>--nlayers</c>, <c>--bptt</c>, <c>--dropout</c>, <c>--clip</c>).</summary>
internal sealed record LmSettings(int Hidden, int Layers, int Bptt, double Dropout, double Clip, int SampleChars);

/// <summary>
/// The options of <c>ember train</c>, with the chapter's recipe as defaults, or, with <c>--model lstm-lm</c>,
/// those of PyTorch's word_language_model example (examples/11-language-model.cs).
/// </summary>
internal sealed class TrainOptions
{
    private readonly Option<string> _model = new("--model") { Description = "lenet, mlp (image classifiers) or lstm-lm (a character-level language model)", DefaultValueFactory = _ => "lenet" };
    private readonly Option<string?> _dataset = new("--dataset") { Description = "cifar10 (default), fashion-mnist or mnist; fortunes for lstm-lm (its default)" };
    private readonly Option<int?> _epochs = new("--epochs") { Description = "passes over the training set [default: 2; 6 for lstm-lm]" };
    private readonly Option<int?> _batchSize = new("--batch-size") { Description = "images per mini-batch [default: 4]; for lstm-lm, text columns [default: 20]" };
    private readonly Option<double?> _lr = new("--lr") { Description = "SGD learning rate [default: 0.001; 20 for lstm-lm, divided by 4 after an epoch without a better validation loss]" };
    private readonly Option<double?> _momentum = new("--momentum") { Description = "SGD momentum [default: 0.9; 0 for lstm-lm]" };
    private readonly Option<int> _seed = new("--seed") { Description = "seed of the initial weights and of the shuffles", DefaultValueFactory = _ => 0 };
    private readonly Option<int?> _threads = new("--threads") { Description = "threads for the CPU kernels (default: all logical processors)" };
    private readonly Option<int> _workers = new("--workers") { Description = "DataLoader worker threads", DefaultValueFactory = _ => 2 };
    private readonly Option<string?> _dataDir = new("--data-dir") { Description = "where the datasets are (or are downloaded to) [default: data; /usr/share/games/fortunes for fortunes]" };
    private readonly Option<string?> _outputDir = new("--output-dir") { Description = "where the checkpoint, loss curve and metrics go (default: runs/DATASET-MODEL)" };
    private readonly Option<string> _device = new("--device") { Description = "cpu (cuda:N once Ember has a CUDA backend)", DefaultValueFactory = _ => "cpu" };
    private readonly Option<bool> _download = new("--download") { Description = "download the dataset if it is not found" };
    private readonly Option<int?> _logEvery = new("--log-every") { Description = "print the average loss every this many mini-batches [default: 2000; 50 for lstm-lm]" };
    private readonly Option<int> _checkpointEvery = new("--checkpoint-every") { Description = "also write the checkpoint every this many mini-batches (0: only at the end of each epoch)", DefaultValueFactory = _ => 0 };
    private readonly Option<string?> _resume = new("--resume") { Description = "continue the run saved in this checkpoint (written by an interrupted or finished ember train)" };
    private readonly Option<int> _hidden = new("--hidden") { Description = "lstm-lm: embedding and LSTM hidden size", DefaultValueFactory = _ => 200 };
    private readonly Option<int> _layers = new("--layers") { Description = "lstm-lm: LSTM layers", DefaultValueFactory = _ => 2 };
    private readonly Option<int> _bptt = new("--bptt") { Description = "lstm-lm: characters per truncated-backpropagation chunk", DefaultValueFactory = _ => 35 };
    private readonly Option<double> _dropout = new("--dropout") { Description = "lstm-lm: dropout after the embedding, between LSTM layers and before the decoder", DefaultValueFactory = _ => 0.2 };
    private readonly Option<double> _clip = new("--clip") { Description = "lstm-lm: largest gradient norm (clip_grad_norm_)", DefaultValueFactory = _ => 0.25 };
    private readonly Option<bool> _distributed = new("--distributed") { Description = "run as one rank of an mpirun job (mpirun -np N ember train --distributed ...): DistributedDataParallel over MPI, --batch-size images per rank, rank 0 prints and writes the files" };
    private readonly Option<int> _sample = new("--sample") { Description = "lstm-lm: characters of text to sample from the trained model at the end", DefaultValueFactory = _ => 400 };

    public void AddTo(Command command)
    {
        foreach (Option option in new Option[] { _model, _dataset, _epochs, _batchSize, _lr, _momentum, _seed, _threads, _workers, _dataDir, _outputDir, _device, _download, _logEvery, _checkpointEvery, _resume,
            _hidden, _layers, _bptt, _dropout, _clip, _sample, _distributed })
            command.Options.Add(option);
    }

    // The checks the parser runs (OptionChecks); an out-of-range value is a usage error before anything loads.
    public TrainOptions()
    {
        _model.OneOf([.. Models.Names, LanguageModelTraining.ModelName]);
        _dataset.OneOf([.. DataChoice.Names, LanguageModelTraining.Dataset]);
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
        _hidden.AtLeast(1);
        _layers.AtLeast(1);
        _bptt.AtLeast(1);
        _dropout.NonNegative().AtMost(1);
        _clip.Positive();
        _sample.AtLeast(0);
    }

    /// <exception cref="CliException">The model and the dataset do not go together.</exception>
    public TrainSettings Read(ParseResult r)
    {
        string model = r.GetValue(_model)!;
        bool lm = model == LanguageModelTraining.ModelName;
        string dataset = r.GetValue(_dataset) ?? (lm ? LanguageModelTraining.Dataset : "cifar10");
        if (lm != (dataset == LanguageModelTraining.Dataset))
            throw new CliException(lm ? $"--model {model} trains on text: --dataset must be {LanguageModelTraining.Dataset}, got '{dataset}'."
                : $"--dataset {dataset} is text: train it with --model {LanguageModelTraining.ModelName}, not '{model}'.", Cli.Usage);
        var s = new TrainSettings(model, dataset, r.GetValue(_epochs) ?? (lm ? 6 : 2), r.GetValue(_batchSize) ?? (lm ? 20 : 4),
            r.GetValue(_lr) ?? (lm ? 20 : 0.001), r.GetValue(_momentum) ?? (lm ? 0 : 0.9),
            r.GetValue(_seed), r.GetValue(_threads), r.GetValue(_workers), r.GetValue(_dataDir) ?? (lm ? LanguageModelTraining.DefaultDataDir : "data"),
            r.GetValue(_outputDir) ?? Path.Combine("runs", $"{dataset}-{model}"), r.GetValue(_device)!, r.GetValue(_download), r.GetValue(_logEvery) ?? (lm ? 50 : 2000),
            r.GetValue(_checkpointEvery), r.GetValue(_resume),
            new LmSettings(r.GetValue(_hidden), r.GetValue(_layers), r.GetValue(_bptt), r.GetValue(_dropout), r.GetValue(_clip), r.GetValue(_sample)), r.GetValue(_distributed));
        return s;
    }
}
