using Ember.Cli;

// `ember`: train, evaluate and query the chapter's image classifiers from the command line.
// Cli.Execute parses, reports command-line mistakes in one or two lines and runs the command.
return Cli.Execute(args);
