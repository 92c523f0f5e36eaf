using Ember.Vision.Datasets;
using Ember.Vision.Transforms;

namespace Ember.Cli;

/// <summary>A dataset the command line knows by name, with the chapter's transforms applied.</summary>
internal sealed record DataChoice(string Name, InMemoryVisionDataset Dataset, int Channels, int Size)
{
    /// <summary>The names <c>--dataset</c> accepts.</summary>
    public static readonly string[] Names = ["cifar10", "fashion-mnist", "mnist"];

    /// <summary>The dataset's usual written name: CIFAR-10, Fashion-MNIST, MNIST.</summary>
    public static string Title(string name) => name switch { "cifar10" => "CIFAR-10", "fashion-mnist" => "Fashion-MNIST", "mnist" => "MNIST", _ => name };

    /// <summary>The class names, by label.</summary>
    public IReadOnlyList<string> Classes => Dataset.Classes;

    /// <summary>
    /// Opens the training or test split of <paramref name="name"/> under <paramref name="dataDir"/>,
    /// images turned into tensors normalised to [-1, 1] (ToTensor, then Normalize with mean and std 0.5
    /// per channel, as the chapter does).
    /// </summary>
    /// <exception cref="CliException">The name is unknown, or the files are missing and not downloaded.</exception>
    public static DataChoice Open(string name, string dataDir, bool train, bool download)
    {
        int channels = name == "cifar10" ? 3 : 1;
        var transform = new Compose(new ToTensor(), new Normalize([.. Enumerable.Repeat(0.5, channels)], [.. Enumerable.Repeat(0.5, channels)]));
        try
        {
            InMemoryVisionDataset ds = name switch
            {
                "cifar10" => new Cifar10(dataDir, train, transform, download: download, downloadOptions: Downloads.WithProgress()),
                "fashion-mnist" => new FashionMnist(dataDir, train, transform, download: download, downloadOptions: Downloads.WithProgress()),
                "mnist" => new Mnist(dataDir, train, transform, download: download, downloadOptions: Downloads.WithProgress()),
                _ => throw new CliException($"unknown dataset '{name}'; expected one of: {string.Join(", ", Names)}."),
            };
            return new DataChoice(name, ds, channels, ds.Height);
        }
        catch (DatasetNotFoundException e)
        {
            // One line: the folders searched, and the three ways to supply the data.
            throw new CliException($"{Title(name)} not found (looked in {string.Join(", ", e.SearchedPaths)}); run again with --download to fetch it" +
                (name == "fashion-mnist" ? ", install Debian's dataset-fashion-mnist package" : "") + ", or give the folder that holds it with --data-dir DIR.");
        }
        catch (Exception e) when (e is HttpRequestException or IOException or InvalidDataException or UnauthorizedAccessException)
        {
            throw new CliException($"{name}: {e.Message}");
        }
    }
}

/// <summary>An error the command reports as one line on stderr, without a stack trace.</summary>
/// <param name="message">The line (a message of several lines is joined into one).</param>
/// <param name="exitCode">The process's exit code: <see cref="Cli.Failed"/>, or <see cref="Cli.Usage"/> for a command-line mistake.</param>
internal sealed class CliException(string message, int exitCode = Cli.Failed) : Exception(message)
{
    /// <summary>The process's exit code.</summary>
    public int ExitCode { get; } = exitCode;
}
