using Ember.Distributed.Mpi;

namespace Ember.Distributed;

/// <summary>
/// Multi-process communication (<c>torch.distributed</c>): one process group per job, collectives
/// with PyTorch's names and semantics, point-to-point messages. Launch the program under
/// <c>mpirun -np N</c> and call <see cref="InitProcessGroup"/> first; rank and world size come from
/// the launcher.
/// </summary>
/// <remarks>
/// Ranks passed to and returned by these methods are world ranks, also for sub-groups, as in PyTorch.
/// A collective called on a process that is not a member of its group does nothing and returns a
/// completed <see cref="Work"/> (PyTorch warns and returns None).
/// </remarks>
public static partial class Distributed
{
    private static readonly object Gate = new();
    private static ProcessGroup? _world;
    private static bool _handlersInstalled;

    /// <summary>Whether the default process group has been initialised (<c>dist.is_initialized()</c>).</summary>
    public static bool IsInitialized => Volatile.Read(ref _world) is not null;

    /// <summary>Whether the MPI backend can be loaded on this machine (<c>dist.is_mpi_available()</c>).</summary>
    public static bool IsMpiAvailable()
    {
        try { MpiNative.EnsureLoaded(); return true; }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { return false; }
    }

    /// <summary>The default group (the world).</summary>
    /// <exception cref="InvalidOperationException">The process group has not been initialised.</exception>
    public static ProcessGroup World => Volatile.Read(ref _world)
        ?? throw new InvalidOperationException("Default process group has not been initialized, please make sure to call Distributed.InitProcessGroup.");

    internal static int WorldRankOrMinusOne => Volatile.Read(ref _world)?.Rank ?? -1;

    /// <summary>
    /// Creates the default process group (<c>dist.init_process_group(backend)</c>). With <c>mpi</c>, the
    /// rank and world size are those of the MPI launcher (<c>mpirun -np 4 dotnet app.dll</c>); a program
    /// started without mpirun is a world of one. From here on, an unhandled exception on any rank ends
    /// the whole job (<c>MPI_Abort</c>) after printing it, so the other ranks never wait for ever on a
    /// rank that died.
    /// </summary>
    /// <param name="backend">The communication library: <c>mpi</c> (the only one so far).</param>
    /// <exception cref="ArgumentException">An unknown backend.</exception>
    /// <exception cref="InvalidOperationException">The group already exists, or MPI was finalised already.</exception>
    /// <exception cref="DllNotFoundException">The MPI library was not found; the message lists the names tried.</exception>
    public static void InitProcessGroup(string backend = "mpi")
    {
        ArgumentNullException.ThrowIfNull(backend);
        lock (Gate)
        {
            if (_world is not null)
                throw new InvalidOperationException("init_process_group: trying to initialize the default process group twice!");
            IProcessGroupBackend b = backend.ToLowerInvariant() switch
            {
                "mpi" => MpiBackend.InitWorld(),
                "nccl" => throw new NotSupportedException("init_process_group: the nccl backend is not available yet; use \"mpi\" (CPU tensors)."),
                _ => throw new ArgumentException($"init_process_group: unknown backend '{backend}'; expected \"mpi\".", nameof(backend)),
            };
            InstallHandlers();
            Volatile.Write(ref _world, new ProcessGroup(b, Enumerable.Range(0, b.Size).ToArray()));
        }
    }

    /// <summary>
    /// Destroys the default group and finalises MPI (<c>dist.destroy_process_group()</c>); with a sub-group,
    /// releases that group only. MPI cannot be initialised again in the same process.
    /// </summary>
    public static void DestroyProcessGroup(ProcessGroup? group = null)
    {
        lock (Gate)
        {
            if (group is not null && !ReferenceEquals(group, _world)) { group.Release(); return; }
            var w = _world ?? throw new InvalidOperationException("destroy_process_group: the default process group has not been initialized.");
            w.Release();
            Volatile.Write(ref _world, null);
            MpiBackend.FinalizeMpi();
        }
    }

    /// <summary>This process's rank in <paramref name="group"/> (default: the world), -1 if not a member (<c>dist.get_rank()</c>).</summary>
    public static int GetRank(ProcessGroup? group = null) => (group ?? World).Rank;

    /// <summary>The number of processes in <paramref name="group"/> (default: the world) (<c>dist.get_world_size()</c>).</summary>
    public static int GetWorldSize(ProcessGroup? group = null) => (group ?? World).Size;

    /// <summary>The backend's name of <paramref name="group"/> (<c>dist.get_backend()</c>).</summary>
    public static string GetBackend(ProcessGroup? group = null) => (group ?? World).Require("get_backend").Name;

    /// <summary>
    /// A group of the given world ranks (<c>dist.new_group(ranks)</c>); null or empty means all. Every
    /// process of the world must call it, members or not, with the same ranks.
    /// </summary>
    /// <exception cref="ArgumentException">A rank is out of range or listed twice.</exception>
    public static ProcessGroup NewGroup(IEnumerable<int>? ranks = null)
    {
        var world = World;
        int[] r = ranks?.ToArray() is { Length: > 0 } given ? given : Enumerable.Range(0, world.Size).ToArray();
        foreach (int x in r)
            if (x < 0 || x >= world.Size)
                throw new ArgumentException($"new_group: rank {x} is out of range for a world of size {world.Size}.", nameof(ranks));
        if (r.Distinct().Count() != r.Length)
            throw new ArgumentException($"new_group: ranks [{string.Join(", ", r)}] list a rank twice.", nameof(ranks));
        var b = world.Require("new_group").NewGroup(r);
        return new ProcessGroup(b, r);
    }

    /// <summary>Ends every process of the job with <paramref name="errorCode"/> (<c>MPI_Abort</c>).</summary>
    public static void Abort(int errorCode = 1) => World.Require("abort").Abort(errorCode);

    private static void InstallHandlers()
    {
        if (_handlersInstalled) return;
        _handlersInstalled = true;
        AppDomain.CurrentDomain.UnhandledException += (_, e) =>
        {
            if (!IsInitialized) return;
            int rank = WorldRankOrMinusOne;
            Console.Out.Flush();
            Console.Error.WriteLine($"Ember.Distributed: rank {rank} of {_world?.Size}: unhandled exception; aborting the job (MPI_Abort) so that the other ranks do not wait for it:");
            Console.Error.WriteLine($"[rank {rank}] {e.ExceptionObject}");
            Console.Error.Flush();
            MpiBackend.AbortWorld(1);
        };
        // A process that leaves without MPI_Finalize makes mpirun report the job as failed.
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            if (Environment.ExitCode == 0) MpiBackend.FinalizeMpi();
        };
    }
}
