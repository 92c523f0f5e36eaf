namespace Ember.Distributed.Mpi;

/// <summary>
/// <see cref="IProcessGroupBackend"/> over one MPI communicator. Every operation is MPI's
/// non-blocking form (<c>MPI_Iallreduce</c>, <c>MPI_Isend</c>, ...) returning an <see cref="MpiWork"/>;
/// a blocking call is the same followed by a wait. MPI is initialised with
/// <c>MPI_THREAD_SERIALIZED</c> and every call goes through one lock, so any thread may use a group.
/// </summary>
internal sealed unsafe class MpiBackend : IProcessGroupBackend
{
    /// <summary>Held around every MPI call: the library is initialised for serialized use.</summary>
    internal static readonly object Lock = new();

    private nint _comm;
    private readonly int _worldRank;

    private MpiBackend(nint comm, int rank, int size, int worldRank)
    {
        _comm = comm;
        Rank = rank;
        Size = size;
        _worldRank = worldRank;
    }

    public string Name => "mpi";
    public int Rank { get; }
    public int Size { get; }

    /// <summary>Initialises MPI (unless the program already did) and returns the world's backend.</summary>
    public static MpiBackend InitWorld()
    {
        MpiNative.EnsureLoaded();
        lock (Lock)
        {
            int flag;
            Check(MpiNative.Finalized(&flag), "init_process_group", -1);
            if (flag != 0)
                throw new InvalidOperationException("init_process_group: MPI was already finalized in this process (by DestroyProcessGroup); MPI cannot be initialised twice.");
            Check(MpiNative.Initialized(&flag), "init_process_group", -1);
            if (flag == 0)
            {
                int provided;
                Check(MpiNative.InitThread(null, 0, MpiNative.ThreadSerialized, &provided), "init_process_group", -1);
            }
            nint world = MpiNative.CommWorld;
            // Errors come back as codes, turned into exceptions here, instead of MPI ending the job.
            Check(MpiNative.CommSetErrhandler(world, MpiNative.ErrorsReturn), "init_process_group", -1);
            int rank, size;
            Check(MpiNative.CommRank(world, &rank), "init_process_group", -1);
            Check(MpiNative.CommSize(world, &size), "init_process_group", rank);
            return new MpiBackend(world, rank, size, rank);
        }
    }

    /// <summary>Finalises MPI (after which this process cannot use it again).</summary>
    public static void FinalizeMpi()
    {
        lock (Lock)
        {
            int init, fin;
            MpiNative.Initialized(&init);
            MpiNative.Finalized(&fin);
            if (init != 0 && fin == 0) MpiNative.Finalize();
        }
    }

    /// <summary>Ends the whole job from any state (used on an unhandled exception); never returns normally.</summary>
    public static void AbortWorld(int code)
    {
        // No lock: another thread may hold it inside a blocked MPI call, and aborting must not wait for it.
        if (MpiNative.Abort != null) MpiNative.Abort(MpiNative.CommWorld, code);
    }

    internal static void Check(int rc, string op, int rank)
    {
        if (rc != MpiNative.Success)
            throw new DistributedException(op, rank, $"MPI: {MpiNative.ErrorText(rc)}", rc);
    }

    private nint Comm => _comm != 0 ? _comm : throw new ObjectDisposedException("ProcessGroup", "The process group was destroyed.");

    private static nint DataType(DType t, string op) => t switch
    {
        DType.Float32 => MpiNative.TFloat,
        DType.Float64 => MpiNative.TDouble,
        DType.Int64 => MpiNative.TInt64,
        DType.Int32 => MpiNative.TInt32,
        DType.UInt8 => MpiNative.TUInt8,
        DType.Bool => MpiNative.TBool,
        _ => throw new NotSupportedException($"{op}: the MPI backend has no datatype for {t.TorchName()}."),
    };

    // MPI defines only logical operations on MPI_C_BOOL; PyTorch's bool reductions are or (sum, max) and and (product, min).
    private static nint Operation(ReduceOp op, DType t, string name) => (op, t == DType.Bool) switch
    {
        (ReduceOp.Sum, false) => MpiNative.OpSum,
        (ReduceOp.Product, false) => MpiNative.OpProd,
        (ReduceOp.Min, false) => MpiNative.OpMin,
        (ReduceOp.Max, false) => MpiNative.OpMax,
        (ReduceOp.Sum or ReduceOp.Max, true) => MpiNative.OpLor,
        (ReduceOp.Product or ReduceOp.Min, true) => MpiNative.OpLand,
        _ => throw new NotSupportedException($"{name}: ReduceOp.{op} reaches the backend only as a sum (the front end divides)."),
    };

    private delegate int Start(nint* request);


    /// <summary>Starts an operation on buffers pinned by the caller (so their addresses are known) and wraps its request; unpins on failure.</summary>
    private Work Run(string op, Tensor?[] keep, PinnedBuffer[] pins, Start start, bool asyncOp = true, Func<int>? blocking = null)
    {
        if (!asyncOp && blocking is not null)
        {
            try
            {
                lock (Lock) Check(blocking(), op, _worldRank);
                return Work.Completed(op);
            }
            finally
            {
                foreach (var p in pins) p.Free();
            }
        }
        try
        {
            nint req = 0;
            lock (Lock) Check(start(&req), op, _worldRank);
            return new MpiWork(op, req, _worldRank, pins, keep);
        }
        catch
        {
            foreach (var p in pins) p.Free();
            throw;
        }
    }

    public Work AllReduce(Tensor tensor, ReduceOp op, bool asyncOp)
    {
        var dt = DataType(tensor.DType, "all_reduce");
        var mop = Operation(op, tensor.DType, "all_reduce");
        var b = PinnedBuffer.Pin(tensor, "all_reduce");
        nint comm = Comm;
        return Run("all_reduce", [tensor], [b], r => MpiNative.Iallreduce(MpiNative.InPlace, b.Address, b.Count, dt, mop, comm, r),
            asyncOp, () => MpiNative.Allreduce(MpiNative.InPlace, b.Address, b.Count, dt, mop, comm));
    }

    public Work Broadcast(Tensor tensor, int root, bool asyncOp)
    {
        var dt = DataType(tensor.DType, "broadcast");
        var b = PinnedBuffer.Pin(tensor, "broadcast");
        nint comm = Comm;
        return Run("broadcast", [tensor], [b], r => MpiNative.Ibcast(b.Address, b.Count, dt, root, comm, r),
            asyncOp, () => MpiNative.Bcast(b.Address, b.Count, dt, root, comm));
    }

    public Work Reduce(Tensor tensor, int root, ReduceOp op, bool asyncOp)
    {
        var dt = DataType(tensor.DType, "reduce");
        var mop = Operation(op, tensor.DType, "reduce");
        var b = PinnedBuffer.Pin(tensor, "reduce");
        nint comm = Comm;
        bool isRoot = Rank == root;
        return Run("reduce", [tensor], [b], r => isRoot
            ? MpiNative.Ireduce(MpiNative.InPlace, b.Address, b.Count, dt, mop, root, comm, r)
            : MpiNative.Ireduce(b.Address, 0, b.Count, dt, mop, root, comm, r),
            asyncOp, () => isRoot
            ? MpiNative.ReduceFn(MpiNative.InPlace, b.Address, b.Count, dt, mop, root, comm)
            : MpiNative.ReduceFn(b.Address, 0, b.Count, dt, mop, root, comm));
    }

    public Work AllGather(Tensor output, Tensor input, bool asyncOp)
    {
        var dt = DataType(input.DType, "all_gather");
        var i = PinnedBuffer.Pin(input, "all_gather");
        var o = PinnedBuffer.Pin(output, "all_gather");
        nint comm = Comm;
        return Run("all_gather", [output, input], [i, o], r => MpiNative.Iallgather(i.Address, i.Count, dt, o.Address, i.Count, dt, comm, r),
            asyncOp, () => MpiNative.Allgather(i.Address, i.Count, dt, o.Address, i.Count, dt, comm));
    }

    public Work ReduceScatter(Tensor output, Tensor input, ReduceOp op, bool asyncOp)
    {
        var dt = DataType(input.DType, "reduce_scatter");
        var mop = Operation(op, input.DType, "reduce_scatter");
        var i = PinnedBuffer.Pin(input, "reduce_scatter");
        var o = PinnedBuffer.Pin(output, "reduce_scatter");
        nint comm = Comm;
        return Run("reduce_scatter", [output, input], [i, o], r => MpiNative.IreduceScatterBlock(i.Address, o.Address, o.Count, dt, mop, comm, r),
            asyncOp, () => MpiNative.ReduceScatterBlock(i.Address, o.Address, o.Count, dt, mop, comm));
    }

    public Work Gather(Tensor? output, Tensor input, int root, bool asyncOp)
    {
        var dt = DataType(input.DType, "gather");
        var i = PinnedBuffer.Pin(input, "gather");
        PinnedBuffer o = output is null ? default : PinnedBuffer.Pin(output, "gather");
        nint comm = Comm;
        return Run("gather", [output, input], [i, o], r => MpiNative.Igather(i.Address, i.Count, dt, o.Address, i.Count, dt, root, comm, r),
            asyncOp, () => MpiNative.GatherFn(i.Address, i.Count, dt, o.Address, i.Count, dt, root, comm));
    }

    public Work Scatter(Tensor output, Tensor? input, int root, bool asyncOp)
    {
        var dt = DataType(output.DType, "scatter");
        var o = PinnedBuffer.Pin(output, "scatter");
        PinnedBuffer i = input is null ? default : PinnedBuffer.Pin(input, "scatter");
        nint comm = Comm;
        return Run("scatter", [output, input], [i, o], r => MpiNative.Iscatter(i.Address, o.Count, dt, o.Address, o.Count, dt, root, comm, r),
            asyncOp, () => MpiNative.ScatterFn(i.Address, o.Count, dt, o.Address, o.Count, dt, root, comm));
    }

    public Work Send(Tensor tensor, int destination, int tag)
    {
        var dt = DataType(tensor.DType, "send");
        var b = PinnedBuffer.Pin(tensor, "send");
        nint comm = Comm;
        return Run("send", [tensor], [b], r => MpiNative.Isend(b.Address, b.Count, dt, destination, tag, comm, r));
    }

    public Work Recv(Tensor tensor, int source, int tag)
    {
        var dt = DataType(tensor.DType, "recv");
        var b = PinnedBuffer.Pin(tensor, "recv");
        nint comm = Comm;
        return Run("recv", [tensor], [b], r => MpiNative.Irecv(b.Address, b.Count, dt, source < 0 ? MpiNative.AnySource : source, tag, comm, r));
    }

    public Work Barrier(bool asyncOp)
    {
        nint comm = Comm;
        return Run("barrier", [], [], r => MpiNative.Ibarrier(comm, r), asyncOp, () => MpiNative.Barrier(comm));
    }

    public IProcessGroupBackend? NewGroup(int[] ranks)
    {
        nint comm = Comm;
        lock (Lock)
        {
            nint group, sub, newComm;
            Check(MpiNative.CommGroup(comm, &group), "new_group", _worldRank);
            try
            {
                fixed (int* r = ranks) Check(MpiNative.GroupIncl(group, ranks.Length, r, &sub), "new_group", _worldRank);
                try { Check(MpiNative.CommCreate(comm, sub, &newComm), "new_group", _worldRank); }
                finally { MpiNative.GroupFree(&sub); }
            }
            finally { MpiNative.GroupFree(&group); }
            if (newComm == MpiNative.CommNull || newComm == 0) return null;
            Check(MpiNative.CommSetErrhandler(newComm, MpiNative.ErrorsReturn), "new_group", _worldRank);
            int rank, size;
            Check(MpiNative.CommRank(newComm, &rank), "new_group", _worldRank);
            Check(MpiNative.CommSize(newComm, &size), "new_group", _worldRank);
            return new MpiBackend(newComm, rank, size, _worldRank);
        }
    }

    public void Abort(int errorCode)
    {
        MpiNative.Abort(Comm, errorCode);
    }

    public void Dispose()
    {
        if (_comm == 0) return;
        lock (Lock)
        {
            int fin;
            MpiNative.Finalized(&fin);
            if (_comm != MpiNative.CommWorld && fin == 0)
            {
                nint c = _comm;
                MpiNative.CommFree(&c);
            }
            _comm = 0;
        }
    }
}
