namespace Ember.Distributed;

public static partial class Distributed
{
    /// <summary>
    /// Reduces <paramref name="tensor"/> over the group, in place on every rank (<c>dist.all_reduce</c>).
    /// </summary>
    /// <param name="tensor">The input and the result; any dtype, any layout (a non-contiguous view is reduced through a contiguous copy and written back).</param>
    /// <param name="op">How to combine; <see cref="ReduceOp.Avg"/> is a sum divided by the group's size (floating-point tensors only).</param>
    /// <param name="group">The group; default: the world.</param>
    /// <param name="asyncOp">Return at once; the result is in <paramref name="tensor"/> after <see cref="Work.Wait"/>.</param>
    /// <returns>The operation's handle, already complete unless <paramref name="asyncOp"/>.</returns>
    public static Work AllReduce(Tensor tensor, ReduceOp op = ReduceOp.Sum, ProcessGroup? group = null, bool asyncOp = false)
    {
        const string name = "all_reduce";
        ArgumentNullException.ThrowIfNull(tensor);
        var (g, b) = Enter(group, name);
        if (b is null) return Work.Completed(name);
        CheckOp(op, tensor.DType, name);
        var buf = Dense(tensor);
        var w = b.AllReduce(buf, Lower(op), asyncOp);
        w.Then(() => { if (op == ReduceOp.Avg) Divide(buf, g.Size); WriteBack(tensor, buf); });
        return Finish(w, asyncOp);
    }

    /// <summary>Copies rank <paramref name="src"/>'s <paramref name="tensor"/> into every rank's (<c>dist.broadcast</c>).</summary>
    /// <param name="tensor">Sent from <paramref name="src"/>, received in place on the others; same shape and dtype on every rank.</param>
    /// <param name="src">The sending rank (a world rank).</param>
    /// <param name="group">The group; default: the world.</param>
    /// <param name="asyncOp">Return at once; wait on the handle before using the tensor.</param>
    public static Work Broadcast(Tensor tensor, int src, ProcessGroup? group = null, bool asyncOp = false)
    {
        const string name = "broadcast";
        ArgumentNullException.ThrowIfNull(tensor);
        var (g, b) = Enter(group, name);
        if (b is null) return Work.Completed(name);
        int root = g.GroupRank(src, name);
        var buf = Dense(tensor);
        var w = b.Broadcast(buf, root, asyncOp);
        w.Then(() => WriteBack(tensor, buf));
        return Finish(w, asyncOp);
    }

    /// <summary>
    /// Reduces <paramref name="tensor"/> over the group into rank <paramref name="dst"/>'s (<c>dist.reduce</c>);
    /// the other ranks' tensors are left unchanged.
    /// </summary>
    public static Work Reduce(Tensor tensor, int dst, ReduceOp op = ReduceOp.Sum, ProcessGroup? group = null, bool asyncOp = false)
    {
        const string name = "reduce";
        ArgumentNullException.ThrowIfNull(tensor);
        var (g, b) = Enter(group, name);
        if (b is null) return Work.Completed(name);
        CheckOp(op, tensor.DType, name);
        int root = g.GroupRank(dst, name);
        var buf = Dense(tensor);
        var w = b.Reduce(buf, root, Lower(op), asyncOp);
        if (b.Rank == root) w.Then(() => { if (op == ReduceOp.Avg) Divide(buf, g.Size); WriteBack(tensor, buf); });
        return Finish(w, asyncOp);
    }

    /// <summary>
    /// Every rank's <paramref name="tensor"/>, in rank order, into <paramref name="tensorList"/> on every rank (<c>dist.all_gather</c>).
    /// </summary>
    /// <param name="tensorList">One tensor per rank of the group, each of <paramref name="tensor"/>'s shape and dtype; written in place.</param>
    /// <param name="tensor">This rank's contribution.</param>
    /// <param name="group">The group; default: the world.</param>
    /// <param name="asyncOp">Return at once; wait on the handle before using the list.</param>
    public static Work AllGather(IList<Tensor> tensorList, Tensor tensor, ProcessGroup? group = null, bool asyncOp = false)
    {
        const string name = "all_gather";
        ArgumentNullException.ThrowIfNull(tensorList);
        ArgumentNullException.ThrowIfNull(tensor);
        var (g, b) = Enter(group, name);
        if (b is null) return Work.Completed(name);
        CheckList(tensorList, tensor, g.Size, name, "tensor_list");
        var output = Tensor.Empty([g.Size * (int)tensor.Numel()], tensor.DType);
        var w = b.AllGather(output, Dense(tensor), asyncOp);
        w.Then(() => Split(output, tensorList));
        return Finish(w, asyncOp);
    }

    /// <summary>
    /// Every rank's <paramref name="inputTensor"/>, in rank order, concatenated into <paramref name="outputTensor"/>
    /// (<c>dist.all_gather_into_tensor</c>): its elements are the group's size times the input's.
    /// </summary>
    public static Work AllGatherIntoTensor(Tensor outputTensor, Tensor inputTensor, ProcessGroup? group = null, bool asyncOp = false)
    {
        const string name = "all_gather_into_tensor";
        ArgumentNullException.ThrowIfNull(outputTensor);
        ArgumentNullException.ThrowIfNull(inputTensor);
        var (g, b) = Enter(group, name);
        if (b is null) return Work.Completed(name);
        CheckBlocks(outputTensor, inputTensor, g.Size, name, "output_tensor", "input_tensor");
        var buf = Dense(outputTensor);
        var w = b.AllGather(buf, Dense(inputTensor), asyncOp);
        w.Then(() => WriteBack(outputTensor, buf));
        return Finish(w, asyncOp);
    }

    /// <summary>
    /// Reduces the i-th tensor of every rank's <paramref name="inputList"/> into rank i's <paramref name="output"/> (<c>dist.reduce_scatter</c>).
    /// </summary>
    /// <param name="output">This rank's block of the result.</param>
    /// <param name="inputList">One tensor per rank of the group, each of <paramref name="output"/>'s shape and dtype.</param>
    /// <param name="op">How to combine (<see cref="ReduceOp.Avg"/>: floating point only).</param>
    /// <param name="group">The group; default: the world.</param>
    /// <param name="asyncOp">Return at once; wait on the handle before using <paramref name="output"/>.</param>
    public static Work ReduceScatter(Tensor output, IList<Tensor> inputList, ReduceOp op = ReduceOp.Sum, ProcessGroup? group = null, bool asyncOp = false)
    {
        const string name = "reduce_scatter";
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(inputList);
        var (g, b) = Enter(group, name);
        if (b is null) return Work.Completed(name);
        CheckList(inputList, output, g.Size, name, "input_list");
        var input = Tensor.Cat(inputList.Select(t => t.Reshape(-1)).ToArray());
        return ReduceScatterCore(output, input, op, g, b, name, asyncOp);
    }

    /// <summary>
    /// Reduces <paramref name="input"/> (the group's size times <paramref name="output"/>'s elements) over the group;
    /// rank i receives block i (<c>dist.reduce_scatter_tensor</c>).
    /// </summary>
    public static Work ReduceScatterTensor(Tensor output, Tensor input, ReduceOp op = ReduceOp.Sum, ProcessGroup? group = null, bool asyncOp = false)
    {
        const string name = "reduce_scatter_tensor";
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(input);
        var (g, b) = Enter(group, name);
        if (b is null) return Work.Completed(name);
        CheckBlocks(input, output, g.Size, name, "input", "output");
        return ReduceScatterCore(output, input, op, g, b, name, asyncOp);
    }

    private static Work ReduceScatterCore(Tensor output, Tensor input, ReduceOp op, ProcessGroup g, IProcessGroupBackend b, string name, bool asyncOp)
    {
        CheckOp(op, output.DType, name);
        var buf = Dense(output);
        var w = b.ReduceScatter(buf, Dense(input), Lower(op), asyncOp);
        w.Then(() => { if (op == ReduceOp.Avg) Divide(buf, g.Size); WriteBack(output, buf); });
        return Finish(w, asyncOp);
    }

    /// <summary>
    /// Every rank's <paramref name="tensor"/> into <paramref name="gatherList"/> on rank <paramref name="dst"/> (<c>dist.gather</c>).
    /// </summary>
    /// <param name="tensor">This rank's contribution.</param>
    /// <param name="gatherList">On <paramref name="dst"/>: one tensor per rank, each of <paramref name="tensor"/>'s shape and dtype. Elsewhere: null.</param>
    /// <param name="dst">The receiving rank (a world rank).</param>
    /// <param name="group">The group; default: the world.</param>
    /// <param name="asyncOp">Return at once.</param>
    public static Work Gather(Tensor tensor, IList<Tensor>? gatherList = null, int dst = 0, ProcessGroup? group = null, bool asyncOp = false)
    {
        const string name = "gather";
        ArgumentNullException.ThrowIfNull(tensor);
        var (g, b) = Enter(group, name);
        if (b is null) return Work.Completed(name);
        int root = g.GroupRank(dst, name);
        Tensor? output = null;
        if (b.Rank == root)
        {
            if (gatherList is null) throw new ArgumentException($"{name}: Argument gather_list must be specified on destination rank {dst}.", nameof(gatherList));
            CheckList(gatherList, tensor, g.Size, name, "gather_list");
            output = Tensor.Empty([g.Size * (int)tensor.Numel()], tensor.DType);
        }
        else if (gatherList is { Count: > 0 })
            throw new ArgumentException($"{name}: Argument gather_list must NOT be specified on non-destination ranks (this is rank {g.WorldRanks[b.Rank]}, the destination is {dst}).", nameof(gatherList));
        var w = b.Gather(output, Dense(tensor), root, asyncOp);
        if (output is not null) w.Then(() => Split(output, gatherList!));
        return Finish(w, asyncOp);
    }

    /// <summary>
    /// Rank <paramref name="src"/>'s i-th tensor of <paramref name="scatterList"/> into rank i's <paramref name="tensor"/> (<c>dist.scatter</c>).
    /// </summary>
    /// <param name="tensor">Receives this rank's block.</param>
    /// <param name="scatterList">On <paramref name="src"/>: one tensor per rank, each of <paramref name="tensor"/>'s shape and dtype. Elsewhere: null.</param>
    /// <param name="src">The sending rank (a world rank).</param>
    /// <param name="group">The group; default: the world.</param>
    /// <param name="asyncOp">Return at once.</param>
    public static Work Scatter(Tensor tensor, IList<Tensor>? scatterList = null, int src = 0, ProcessGroup? group = null, bool asyncOp = false)
    {
        const string name = "scatter";
        ArgumentNullException.ThrowIfNull(tensor);
        var (g, b) = Enter(group, name);
        if (b is null) return Work.Completed(name);
        int root = g.GroupRank(src, name);
        Tensor? input = null;
        if (b.Rank == root)
        {
            if (scatterList is null) throw new ArgumentException($"{name}: Argument scatter_list must be specified on source rank {src}.", nameof(scatterList));
            CheckList(scatterList, tensor, g.Size, name, "scatter_list");
            input = Tensor.Cat(scatterList.Select(t => t.Reshape(-1)).ToArray());
        }
        else if (scatterList is { Count: > 0 })
            throw new ArgumentException($"{name}: Argument scatter_list must NOT be specified on non-source ranks (this is rank {g.WorldRanks[b.Rank]}, the source is {src}).", nameof(scatterList));
        var buf = Dense(tensor);
        var w = b.Scatter(buf, input, root, asyncOp);
        w.Then(() => WriteBack(tensor, buf));
        return Finish(w, asyncOp);
    }

    /// <summary>Blocks until every rank of the group has reached it (<c>dist.barrier</c>).</summary>
    public static Work Barrier(ProcessGroup? group = null, bool asyncOp = false)
    {
        var (_, b) = Enter(group, "barrier");
        if (b is null) return Work.Completed("barrier");
        return Finish(b.Barrier(asyncOp), asyncOp);
    }

    /// <summary>Sends <paramref name="tensor"/> to rank <paramref name="dst"/> and waits until its buffer may be reused (<c>dist.send</c>).</summary>
    public static void Send(Tensor tensor, int dst, ProcessGroup? group = null, int tag = 0) =>
        ISend(tensor, dst, group, tag).Wait();

    /// <summary>
    /// Receives into <paramref name="tensor"/> from rank <paramref name="src"/> (null: any rank) and returns the sender's world rank (<c>dist.recv</c>).
    /// </summary>
    public static int Recv(Tensor tensor, int? src = null, ProcessGroup? group = null, int tag = 0)
    {
        var g = group ?? World;
        var w = IRecv(tensor, src, group, tag);
        w.Wait();
        return w.SourceRank >= 0 && w.SourceRank < g.Size ? g.WorldRanks[w.SourceRank] : src ?? -1;
    }

    /// <summary>Starts sending <paramref name="tensor"/> to rank <paramref name="dst"/> (<c>dist.isend</c>); do not modify it before <see cref="Work.Wait"/>.</summary>
    public static Work ISend(Tensor tensor, int dst, ProcessGroup? group = null, int tag = 0)
    {
        const string name = "send";
        ArgumentNullException.ThrowIfNull(tensor);
        var (g, b) = Enter(group, name);
        if (b is null) return Work.Completed(name);
        CheckTag(tag, name);
        return b.Send(Dense(tensor), g.GroupRank(dst, name), tag);
    }

    /// <summary>
    /// Starts receiving into <paramref name="tensor"/> from rank <paramref name="src"/> (null: any rank) (<c>dist.irecv</c>);
    /// the data is there after <see cref="Work.Wait"/>, and <see cref="Work.SourceRank"/> is the sender's rank in the group.
    /// </summary>
    public static Work IRecv(Tensor tensor, int? src = null, ProcessGroup? group = null, int tag = 0)
    {
        const string name = "recv";
        ArgumentNullException.ThrowIfNull(tensor);
        var (g, b) = Enter(group, name);
        if (b is null) return Work.Completed(name);
        CheckTag(tag, name);
        var buf = Dense(tensor);
        var w = b.Recv(buf, src is { } s ? g.GroupRank(s, name) : -1, tag);
        w.Then(() => WriteBack(tensor, buf));
        return w;
    }

    // ---- the front end's shared steps ----

    private static (ProcessGroup Group, IProcessGroupBackend? Backend) Enter(ProcessGroup? group, string op)
    {
        var g = group ?? (Volatile.Read(ref _world)
            ?? throw new InvalidOperationException($"{op}: Default process group has not been initialized, please make sure to call Distributed.InitProcessGroup."));
        return (g, g.Backend);
    }

    private static Work Finish(Work w, bool asyncOp)
    {
        if (!asyncOp) w.Wait();
        return w;
    }

    private static ReduceOp Lower(ReduceOp op) => op == ReduceOp.Avg ? ReduceOp.Sum : op;

    private static void CheckOp(ReduceOp op, DType dtype, string name)
    {
        if (!Enum.IsDefined(op)) throw new ArgumentOutOfRangeException(nameof(op), $"{name}: unknown ReduceOp {(int)op}.");
        if (op == ReduceOp.Avg && !dtype.IsFloatingPoint())
            throw new NotSupportedException(
                $"{name}: ReduceOp.Avg needs a floating-point tensor; got {dtype.TorchName()} (an in-place {dtype.TorchName()} result cannot hold the mean). Reduce with Sum and divide in floating point.");
    }

    private static void CheckTag(int tag, string name)
    {
        if (tag < 0) throw new ArgumentOutOfRangeException(nameof(tag), $"{name}: tag must be non-negative, got {tag}.");
    }

    private static void CheckList(IList<Tensor> list, Tensor like, int size, string name, string what)
    {
        if (list.Count != size)
            throw new ArgumentException($"{name}: {what} has {list.Count} tensors; expected {size} (the group's size).");
        for (int i = 0; i < list.Count; i++)
        {
            var t = list[i] ?? throw new ArgumentNullException(what, $"{name}: {what}[{i}] is null.");
            if (t.DType != like.DType || t.Shape != like.Shape)
                throw new ArgumentException(
                    $"{name}: {what}[{i}] is {t.DType.TorchName()} of shape {t.Shape}; expected {like.DType.TorchName()} of shape {like.Shape}, like the tensor.");
        }
    }

    private static void CheckBlocks(Tensor whole, Tensor block, int size, string name, string wholeName, string blockName)
    {
        if (whole.DType != block.DType)
            throw new ArgumentException($"{name}: {wholeName} is {whole.DType.TorchName()} but {blockName} is {block.DType.TorchName()}; they must match.");
        if (whole.Numel() != size * block.Numel())
            throw new ArgumentException(
                $"{name}: {wholeName} (shape {whole.Shape}, {whole.Numel()} elements) must hold the group's size ({size}) times {blockName} (shape {block.Shape}, {block.Numel()} elements).");
    }

    /// <summary>The tensor itself when contiguous, else a contiguous copy (results are copied back by <see cref="WriteBack"/>).</summary>
    private static Tensor Dense(Tensor t) => t.IsContiguous() ? t : t.Contiguous();

    /// <summary>After a backend wrote into <paramref name="buf"/>: copies it into a non-contiguous <paramref name="tensor"/>, or records the in-place write.</summary>
    private static void WriteBack(Tensor tensor, Tensor buf)
    {
        if (ReferenceEquals(tensor, buf)) { tensor.BumpVersion(); return; }
        using (Autograd.NoGrad()) tensor.Copy_(buf);
    }

    private static void Divide(Tensor buf, int size)
    {
        using (Autograd.NoGrad()) buf.Div_(size);
    }

    private static void Split(Tensor flat, IList<Tensor> into)
    {
        int n = into.Count == 0 ? 0 : (int)into[0].Numel();
        using (Autograd.NoGrad())
            for (int i = 0; i < into.Count; i++)
                into[i].Copy_(flat.Narrow(0, i * n, n).View([.. into[i].Shape]));
    }
}
