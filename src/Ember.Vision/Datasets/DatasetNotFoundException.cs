namespace Ember.Vision.Datasets;

/// <summary>
/// A dataset's files are not where it looked and downloading was not asked for (PyTorch's
/// <c>RuntimeError("Dataset not found or corrupted. You can use download=True to download it")</c>).
/// The message lists the folders searched and how to supply the files; <see cref="SearchedPaths"/>
/// gives them to a program that words its own advice, such as an example's <c>--download</c> flag.
/// </summary>
public sealed class DatasetNotFoundException : InvalidOperationException
{
    internal DatasetNotFoundException(string dataset, IReadOnlyList<string> searched, string message) : base(message)
    {
        Dataset = dataset;
        SearchedPaths = searched;
    }

    /// <summary>The dataset's name, as in its messages (<c>CIFAR-10</c>, <c>FashionMNIST</c>).</summary>
    public string Dataset { get; }

    /// <summary>The folders searched, in the order they were tried, as full paths.</summary>
    public IReadOnlyList<string> SearchedPaths { get; }
}
