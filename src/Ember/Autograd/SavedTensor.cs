namespace Ember.Graph;

/// <summary>
/// A tensor a node keeps for its backward pass, with the storage version it had when saved: if the
/// tensor is modified in place afterwards, unpacking it throws instead of computing a wrong gradient.
/// </summary>
internal sealed class SavedTensor
{
    private Tensor? _tensor;
    private readonly long _version;
    private readonly string _ownerName;
    private readonly bool _isOutput;

    // `version`: the version the values had when they were meant to be saved (default: now). An in-place
    // op saves its operands after writing, so it passes the versions they had before.
    public SavedTensor(Tensor tensor, string ownerName, bool isOutput, long? version = null)
    {
        _tensor = tensor;
        _version = version ?? tensor.Version;
        _ownerName = ownerName;
        _isOutput = isOutput;
    }

    public void Release() => _tensor = null;

    public Tensor Unpack()
    {
        var t = _tensor ?? throw new InvalidOperationException(Autograd.FreedGraphMessage);
        if (t.Version != _version)
        {
            string producer = _isOutput ? $"output 0 of {_ownerName}" : t.GradFn is { } fn ? $"output {t.OutputNr} of {fn.Name}" : "a leaf tensor";
            throw new InvalidOperationException(
                $"one of the variables needed for gradient computation has been modified by an inplace operation: [{t.DType.TorchName()} {t.Shape}], which is {producer}, is at version {t.Version}; expected version {_version} instead. Hint: enable anomaly detection with Autograd.DetectAnomaly() to find the operation that failed to compute its gradient.");
        }
        return t;
    }
}
