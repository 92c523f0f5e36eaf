namespace Ember.Serialization;

/// <summary>
/// A tensor file (PyTorch checkpoint, safetensors, Ember checkpoint) that Ember refuses to read:
/// truncated, corrupted, malformed, or asking for something a safe loader must not do (a pickle
/// global that is not on the allow-list). The message names the file and the problem.
/// </summary>
public sealed class TensorFileException : IOException
{
    /// <summary>A refusal for <paramref name="filePath"/> because of <paramref name="problem"/>.</summary>
    public TensorFileException(string filePath, string problem, Exception? inner = null)
        : base($"{filePath}: {problem}", inner)
    {
        FilePath = filePath;
        Problem = problem;
    }

    /// <summary>The file (or stream description) that was being read.</summary>
    public string FilePath { get; }

    /// <summary>What is wrong with it, without the file name.</summary>
    public string Problem { get; }
}
