using System.Globalization;

namespace Ember.Data;

/// <summary>
/// A dataset item, or the collation of a batch, failed while a <see cref="DataLoader{T, TBatch}"/> was
/// loading it. The message says which item (or batch) and which worker, then gives the original
/// message, e.g. <c>DataLoader: dataset item 1234 (worker 1) failed: sample 1234 is corrupt</c>; the
/// original exception, with its own stack trace, is the <see cref="Exception.InnerException"/>.
/// PyTorch's counterpart is the exception it re-raises from a worker ("Caught ValueError in
/// DataLoader worker process 1").
/// </summary>
public sealed class DataLoaderException : Exception
{
    private DataLoaderException(string message, Exception inner, int? item, int batch, int? worker)
        : base(message, inner)
    {
        Item = item;
        Batch = batch;
        WorkerId = worker;
    }

    /// <summary>
    /// The dataset item that failed: the index passed to a map-style dataset's indexer, or the 0-based
    /// position in the stream of an iterable dataset. Null when collating the batch failed.
    /// </summary>
    public int? Item { get; }

    /// <summary>The 0-based number, within the epoch, of the batch being loaded.</summary>
    public int Batch { get; }

    /// <summary>The worker thread that was loading it; null when the consuming thread was (no workers, or an iterable dataset's stream, which is always read there).</summary>
    public int? WorkerId { get; }

    internal static DataLoaderException ForItem(int item, int batch, int? worker, Exception inner) =>
        new($"DataLoader: dataset item {item}{Worker(worker)} failed: {Plain(inner)}", inner, item, batch, worker);

    internal static DataLoaderException ForCollate(int batch, IReadOnlyList<int>? items, int? worker, Exception inner) =>
        new($"DataLoader: collating batch {batch}{Items(items)}{Worker(worker)} failed: {Plain(inner)}", inner, null, batch, worker);

    internal static DataLoaderException ForWorkerInit(int batch, int worker, Exception inner) =>
        new($"DataLoader: worker_init_fn failed on worker {worker.ToString(CultureInfo.InvariantCulture)}, so it could not load batch {batch.ToString(CultureInfo.InvariantCulture)}: {Plain(inner)}", inner, null, batch, worker);

    // The original message as its author wrote it: .NET appends "(Parameter 'x')" and "Actual value
    // was y." to argument exceptions' messages, which would land mid-sentence and on a second line here.
    private static string Plain(Exception e)
    {
        string message = e.Message;
        if (e is ArgumentOutOfRangeException { ActualValue: { } actual })
            message = message.Replace(Environment.NewLine + string.Create(CultureInfo.InvariantCulture, $"Actual value was {actual}."), "");
        if (e is ArgumentException { ParamName: { } name })
            message = message.Replace($" (Parameter '{name}')", "");
        return message;
    }

    private static string Worker(int? worker) => worker is { } w ? string.Create(CultureInfo.InvariantCulture, $" (worker {w})") : "";

    // The dataset items a batch holds, so a shape mismatch ("at entry 3") can be traced to its sample;
    // a long batch is cut short rather than flooding the message.
    private static string Items(IReadOnlyList<int>? items)
    {
        if (items is null || items.Count == 0) return "";
        const int Shown = 8;
        string list = string.Join(", ", items.Take(Shown));
        return items.Count > Shown ? $" (dataset items {list}, ... {items.Count} in all)" : $" (dataset items {list})";
    }
}
