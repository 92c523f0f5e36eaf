namespace Ember.Distributed.Mpi;

/// <summary>An MPI request in flight, with the pinned buffers and tensors it uses kept alive until it completes.</summary>
internal sealed unsafe class MpiWork : Work
{
    private nint _request;
    private readonly int _worldRank;
    private List<PinnedBuffer>? _pins;
    private Tensor?[]? _keep;
    private int _source = -1;

    public MpiWork(string op, nint request, int worldRank, IEnumerable<PinnedBuffer> pins, Tensor?[] keep)
    {
        Operation = op;
        _request = request;
        _worldRank = worldRank;
        _pins = [.. pins];
        _keep = keep;
    }

    public override string Operation { get; }

    public override int SourceRank => _source;

    protected override bool Poll()
    {
        int flag = 0;
        MpiNative.Status status = default;
        int rc;
        nint req = _request;
        lock (MpiBackend.Lock)
        {
            rc = MpiNative.Test(&req, &flag, &status);
            _request = req;
        }
        if (rc != MpiNative.Success)
        {
            Release();
            string detail = rc == 18 /* MPI_ERR_IN_STATUS */ ? MpiNative.ErrorText(status.Error) : MpiNative.ErrorText(rc);
            throw new DistributedException(Operation, _worldRank, $"MPI: {detail}", rc);
        }
        if (flag == 0) return false;
        _source = status.Source;
        Release();
        return true;
    }

    private void Release()
    {
        if (_pins is null) return;
        foreach (var p in _pins) p.Free();
        _pins = null;
        _keep = null;
    }
}
