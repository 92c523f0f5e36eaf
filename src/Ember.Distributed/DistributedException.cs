namespace Ember.Distributed;

/// <summary>
/// A collective or point-to-point operation failed in the communication library. The message names
/// the operation, the rank that saw the failure and the library's own description of the error.
/// </summary>
public sealed class DistributedException : Exception
{
    /// <summary>An error in <paramref name="operation"/> on <paramref name="rank"/>.</summary>
    public DistributedException(string operation, int rank, string detail, int errorCode = 0, Exception? inner = null)
        : base($"{operation} failed on rank {rank}: {detail}" + (errorCode != 0 ? $" (error code {errorCode})" : ""), inner)
    {
        Operation = operation;
        Rank = rank;
        ErrorCode = errorCode;
    }

    /// <summary>The collective or point-to-point operation, e.g. <c>all_reduce</c>.</summary>
    public string Operation { get; }

    /// <summary>The rank (in the world) that reported the error; -1 before the process group existed.</summary>
    public int Rank { get; }

    /// <summary>The library's error code, or 0 when the error was found by Ember.</summary>
    public int ErrorCode { get; }
}
