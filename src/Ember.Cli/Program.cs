using System.CommandLine;
using Ember.Cli;

// `ember`: train, evaluate and query the chapter's image classifiers from the command line.
var root = new RootCommand("Ember: train and evaluate the chapter's image classifiers (LeNet, an MLP) on CIFAR-10, Fashion-MNIST and MNIST.");
root.Subcommands.Add(TrainCommand.Create());
root.Subcommands.Add(EvalCommand.Create());
root.Subcommands.Add(PredictCommand.Create());
root.Subcommands.Add(InfoCommand.Create());
return root.Parse(args).Invoke();
