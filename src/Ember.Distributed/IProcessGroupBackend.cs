namespace Ember.Distributed;

/// <summary>
/// The boundary between Ember's collectives and a communication library (MPI now, NCCL later). The
/// front end (<see cref="Distributed"/>) validates arguments, turns global ranks into group ranks,
/// makes every buffer contiguous, lowers <see cref="ReduceOp.Avg"/> to a sum and a division, and splits
/// or copies results back; a backend sees only contiguous tensors on its device, ranks within its own
/// group, and never <see cref="ReduceOp.Avg"/>.
/// </summary>
/// <remarks>
/// Every method starts the operation and returns its <see cref="Work"/>; with <c>asyncOp: false</c> the caller
/// waits at once, and a backend may run a blocking form instead (MPI's blocking collectives are faster
/// than its non-blocking ones) and return a completed handle. All ranks of
/// the group must call collectives in the same order, as with any MPI or NCCL program.
/// </remarks>
public interface IProcessGroupBackend : IDisposable
{
    /// <summary>The backend's name, as passed to <see cref="Distributed.InitProcessGroup"/> (<c>mpi</c>).</summary>
    string Name { get; }

    /// <summary>This process's rank in the group.</summary>
    int Rank { get; }

    /// <summary>The number of processes in the group.</summary>
    int Size { get; }

    /// <summary>Reduces <paramref name="tensor"/> over the group, in place on every rank.</summary>
    Work AllReduce(Tensor tensor, ReduceOp op, bool asyncOp);

    /// <summary>Copies <paramref name="root"/>'s <paramref name="tensor"/> into every rank's.</summary>
    Work Broadcast(Tensor tensor, int root, bool asyncOp);

    /// <summary>Reduces into <paramref name="root"/>'s <paramref name="tensor"/>; the others' are left as they were.</summary>
    Work Reduce(Tensor tensor, int root, ReduceOp op, bool asyncOp);

    /// <summary>Concatenates every rank's <paramref name="input"/>, in rank order, into <paramref name="output"/> (Size x input's elements).</summary>
    Work AllGather(Tensor output, Tensor input, bool asyncOp);

    /// <summary>Reduces <paramref name="input"/> (Size blocks) over the group; rank r receives block r in <paramref name="output"/>.</summary>
    Work ReduceScatter(Tensor output, Tensor input, ReduceOp op, bool asyncOp);

    /// <summary>Concatenates every rank's <paramref name="input"/> into <paramref name="output"/> on <paramref name="root"/> (null elsewhere).</summary>
    Work Gather(Tensor? output, Tensor input, int root, bool asyncOp);

    /// <summary>Sends block r of <paramref name="root"/>'s <paramref name="input"/> (null elsewhere) to rank r's <paramref name="output"/>.</summary>
    Work Scatter(Tensor output, Tensor? input, int root, bool asyncOp);

    /// <summary>Sends <paramref name="tensor"/> to <paramref name="destination"/>.</summary>
    Work Send(Tensor tensor, int destination, int tag);

    /// <summary>Receives into <paramref name="tensor"/> from <paramref name="source"/> (-1: any rank; see <see cref="Work.SourceRank"/>).</summary>
    Work Recv(Tensor tensor, int source, int tag);

    /// <summary>Completes once every rank of the group has started it.</summary>
    Work Barrier(bool asyncOp);

    /// <summary>
    /// A backend over the listed ranks of this group (collective: every rank of this group calls it
    /// with the same list); null on ranks not in the list.
    /// </summary>
    IProcessGroupBackend? NewGroup(int[] ranks);

    /// <summary>Ends every process of the job (<c>MPI_Abort</c>) with <paramref name="errorCode"/>.</summary>
    void Abort(int errorCode);
}
