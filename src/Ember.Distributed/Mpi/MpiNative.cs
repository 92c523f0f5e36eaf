using System.Runtime.InteropServices;

namespace Ember.Distributed.Mpi;

/// <summary>
/// The MPI C API, bound at run time: the library is found with <see cref="NativeLibrary"/> and each
/// function is called through an unmanaged function pointer, so Ember builds and runs without MPI and
/// needs no C shim. The ABI facts below are Open MPI's (mpi.h of Open MPI 4.x): every handle
/// (<c>MPI_Comm</c>, <c>MPI_Datatype</c>, <c>MPI_Op</c>, <c>MPI_Request</c>, <c>MPI_Group</c>,
/// <c>MPI_Errhandler</c>) is a pointer, and the predefined ones are the addresses of exported globals
/// (<c>MPI_COMM_WORLD</c> is <c>&amp;ompi_mpi_comm_world</c>); other MPI implementations (MPICH's integer
/// handles) have a different ABI and are refused by name.
/// </summary>
internal static unsafe class MpiNative
{
    /// <summary>The variable naming one MPI library to load instead of searching (a path or a soname).</summary>
    public const string LibraryVariable = "EMBER_MPI_LIBRARY";

    /// <summary>The sonames tried, in order, unless <see cref="LibraryVariable"/> names one.</summary>
    internal static string[] Candidates =>
        Environment.GetEnvironmentVariable(LibraryVariable) is { Length: > 0 } chosen ? [chosen] : ["libmpi.so.40", "libmpi.so", "libmpi.so.12"];

    public const int Success = 0;
    public const int Undefined = -32766;          // MPI_UNDEFINED
    public const int AnySource = -1;              // MPI_ANY_SOURCE
    public const int MaxErrorString = 256;        // MPI_MAX_ERROR_STRING (OPAL_MAX_ERROR_STRING)
    public const int ThreadSerialized = 2;        // MPI_THREAD_SERIALIZED in the enum {SINGLE, FUNNELED, SERIALIZED, MULTIPLE}
    public static readonly nint InPlace = 1;      // MPI_IN_PLACE is ((void *) 1)

    /// <summary>MPI_Status as Open MPI lays it out: three public ints, then _cancelled and a size_t count.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Status
    {
        public int Source, Tag, Error, Cancelled;
        public nuint UCount;
    }

    private static nint _lib;
    private static string? _loadedFrom;

    public static nint CommWorld, CommNull, ErrorsReturn;
    public static nint TFloat, TDouble, TInt64, TInt32, TUInt8, TBool;
    public static nint OpSum, OpProd, OpMin, OpMax, OpLand, OpLor;

    public static delegate* unmanaged<int*, int> Initialized;
    public static delegate* unmanaged<int*, int> Finalized;
    public static delegate* unmanaged<int*, nint, int, int*, int> InitThread;
    public static delegate* unmanaged<int> Finalize;
    public static delegate* unmanaged<nint, int, int> Abort;
    public static delegate* unmanaged<int, byte*, int*, int> ErrorString;
    public static delegate* unmanaged<nint, int*, int> CommRank;
    public static delegate* unmanaged<nint, int*, int> CommSize;
    public static delegate* unmanaged<nint, nint, int> CommSetErrhandler;
    public static delegate* unmanaged<nint, nint*, int> CommGroup;
    public static delegate* unmanaged<nint, int, int*, nint*, int> GroupIncl;
    public static delegate* unmanaged<nint*, int> GroupFree;
    public static delegate* unmanaged<nint, nint, nint*, int> CommCreate;
    public static delegate* unmanaged<nint*, int> CommFree;
    public static delegate* unmanaged<nint*, int*, Status*, int> Test;
    public static delegate* unmanaged<nint*, Status*, int> Wait;
    public static delegate* unmanaged<nint, int> Barrier;
    public static delegate* unmanaged<nint, nint, int, nint, nint, nint, int> Allreduce;
    public static delegate* unmanaged<nint, int, nint, int, nint, int> Bcast;
    public static delegate* unmanaged<nint, nint, int, nint, nint, int, nint, int> ReduceFn;
    public static delegate* unmanaged<nint, int, nint, nint, int, nint, nint, int> Allgather;
    public static delegate* unmanaged<nint, nint, int, nint, nint, nint, int> ReduceScatterBlock;
    public static delegate* unmanaged<nint, int, nint, nint, int, nint, int, nint, int> GatherFn;
    public static delegate* unmanaged<nint, int, nint, nint, int, nint, int, nint, int> ScatterFn;
    public static delegate* unmanaged<nint, nint*, int> Ibarrier;
    public static delegate* unmanaged<nint, nint, int, nint, nint, nint, nint*, int> Iallreduce;
    public static delegate* unmanaged<nint, int, nint, int, nint, nint*, int> Ibcast;
    public static delegate* unmanaged<nint, nint, int, nint, nint, int, nint, nint*, int> Ireduce;
    public static delegate* unmanaged<nint, int, nint, nint, int, nint, nint, nint*, int> Iallgather;
    public static delegate* unmanaged<nint, nint, int, nint, nint, nint, nint*, int> IreduceScatterBlock;
    public static delegate* unmanaged<nint, int, nint, nint, int, nint, int, nint, nint*, int> Igather;
    public static delegate* unmanaged<nint, int, nint, nint, int, nint, int, nint, nint*, int> Iscatter;
    public static delegate* unmanaged<nint, int, nint, int, int, nint, nint*, int> Isend;
    public static delegate* unmanaged<nint, int, nint, int, int, nint, nint*, int> Irecv;

    private static readonly object Gate = new();

    /// <summary>Where the library was loaded from (its soname), once loaded.</summary>
    public static string? LoadedFrom => _loadedFrom;

    /// <summary>Loads the library and binds every function and handle, once.</summary>
    /// <exception cref="DllNotFoundException">No MPI library was found; the message lists the names tried.</exception>
    public static void EnsureLoaded()
    {
        if (_lib != 0) return;
        lock (Gate)
        {
            if (_lib != 0) return;
            nint lib = 0;
            string? from = null;
            string[] candidates = Candidates;
            foreach (var name in candidates)
                if (NativeLibrary.TryLoad(name, out lib)) { from = name; break; }
            if (lib == 0)
                throw new DllNotFoundException(
                    $"Ember.Distributed: the MPI library was not found (tried {string.Join(", ", candidates)}). " +
                    $"Install Open MPI (Debian/Ubuntu: apt-get install openmpi-bin) and launch with mpirun, or set {LibraryVariable} to the library's path.");
            if (!NativeLibrary.TryGetExport(lib, "ompi_mpi_comm_world", out _))
                throw new DllNotFoundException(
                    $"Ember.Distributed: {from} is not Open MPI (it exports no ompi_mpi_comm_world); the MPI backend binds Open MPI's ABI only.");
            Bind(lib);
            _loadedFrom = from;
            _lib = lib;
        }
    }

    private static nint Fn(nint lib, string name) =>
        NativeLibrary.TryGetExport(lib, name, out var p) ? p
            : throw new EntryPointNotFoundException($"Ember.Distributed: the MPI library has no function {name}.");

    private static void Bind(nint lib)
    {
        CommWorld = Fn(lib, "ompi_mpi_comm_world");
        CommNull = Fn(lib, "ompi_mpi_comm_null");
        ErrorsReturn = Fn(lib, "ompi_mpi_errors_return");
        TFloat = Fn(lib, "ompi_mpi_float");
        TDouble = Fn(lib, "ompi_mpi_double");
        TInt64 = Fn(lib, "ompi_mpi_int64_t");
        TInt32 = Fn(lib, "ompi_mpi_int32_t");
        TUInt8 = Fn(lib, "ompi_mpi_uint8_t");
        TBool = Fn(lib, "ompi_mpi_c_bool");
        OpSum = Fn(lib, "ompi_mpi_op_sum");
        OpProd = Fn(lib, "ompi_mpi_op_prod");
        OpMin = Fn(lib, "ompi_mpi_op_min");
        OpMax = Fn(lib, "ompi_mpi_op_max");
        OpLand = Fn(lib, "ompi_mpi_op_land");
        OpLor = Fn(lib, "ompi_mpi_op_lor");

        Initialized = (delegate* unmanaged<int*, int>)Fn(lib, "MPI_Initialized");
        Finalized = (delegate* unmanaged<int*, int>)Fn(lib, "MPI_Finalized");
        InitThread = (delegate* unmanaged<int*, nint, int, int*, int>)Fn(lib, "MPI_Init_thread");
        Finalize = (delegate* unmanaged<int>)Fn(lib, "MPI_Finalize");
        Abort = (delegate* unmanaged<nint, int, int>)Fn(lib, "MPI_Abort");
        ErrorString = (delegate* unmanaged<int, byte*, int*, int>)Fn(lib, "MPI_Error_string");
        CommRank = (delegate* unmanaged<nint, int*, int>)Fn(lib, "MPI_Comm_rank");
        CommSize = (delegate* unmanaged<nint, int*, int>)Fn(lib, "MPI_Comm_size");
        CommSetErrhandler = (delegate* unmanaged<nint, nint, int>)Fn(lib, "MPI_Comm_set_errhandler");
        CommGroup = (delegate* unmanaged<nint, nint*, int>)Fn(lib, "MPI_Comm_group");
        GroupIncl = (delegate* unmanaged<nint, int, int*, nint*, int>)Fn(lib, "MPI_Group_incl");
        GroupFree = (delegate* unmanaged<nint*, int>)Fn(lib, "MPI_Group_free");
        CommCreate = (delegate* unmanaged<nint, nint, nint*, int>)Fn(lib, "MPI_Comm_create");
        CommFree = (delegate* unmanaged<nint*, int>)Fn(lib, "MPI_Comm_free");
        Test = (delegate* unmanaged<nint*, int*, Status*, int>)Fn(lib, "MPI_Test");
        Wait = (delegate* unmanaged<nint*, Status*, int>)Fn(lib, "MPI_Wait");
        // The blocking forms, for calls that wait at once: Open MPI's tuned blocking algorithms beat its
        // non-blocking ones (libnbc), by up to 2x for large all-reduces on one machine.
        Barrier = (delegate* unmanaged<nint, int>)Fn(lib, "MPI_Barrier");
        Allreduce = (delegate* unmanaged<nint, nint, int, nint, nint, nint, int>)Fn(lib, "MPI_Allreduce");
        Bcast = (delegate* unmanaged<nint, int, nint, int, nint, int>)Fn(lib, "MPI_Bcast");
        ReduceFn = (delegate* unmanaged<nint, nint, int, nint, nint, int, nint, int>)Fn(lib, "MPI_Reduce");
        Allgather = (delegate* unmanaged<nint, int, nint, nint, int, nint, nint, int>)Fn(lib, "MPI_Allgather");
        ReduceScatterBlock = (delegate* unmanaged<nint, nint, int, nint, nint, nint, int>)Fn(lib, "MPI_Reduce_scatter_block");
        GatherFn = (delegate* unmanaged<nint, int, nint, nint, int, nint, int, nint, int>)Fn(lib, "MPI_Gather");
        ScatterFn = (delegate* unmanaged<nint, int, nint, nint, int, nint, int, nint, int>)Fn(lib, "MPI_Scatter");
        Ibarrier = (delegate* unmanaged<nint, nint*, int>)Fn(lib, "MPI_Ibarrier");
        Iallreduce = (delegate* unmanaged<nint, nint, int, nint, nint, nint, nint*, int>)Fn(lib, "MPI_Iallreduce");
        Ibcast = (delegate* unmanaged<nint, int, nint, int, nint, nint*, int>)Fn(lib, "MPI_Ibcast");
        Ireduce = (delegate* unmanaged<nint, nint, int, nint, nint, int, nint, nint*, int>)Fn(lib, "MPI_Ireduce");
        Iallgather = (delegate* unmanaged<nint, int, nint, nint, int, nint, nint, nint*, int>)Fn(lib, "MPI_Iallgather");
        IreduceScatterBlock = (delegate* unmanaged<nint, nint, int, nint, nint, nint, nint*, int>)Fn(lib, "MPI_Ireduce_scatter_block");
        Igather = (delegate* unmanaged<nint, int, nint, nint, int, nint, int, nint, nint*, int>)Fn(lib, "MPI_Igather");
        Iscatter = (delegate* unmanaged<nint, int, nint, nint, int, nint, int, nint, nint*, int>)Fn(lib, "MPI_Iscatter");
        Isend = (delegate* unmanaged<nint, int, nint, int, int, nint, nint*, int>)Fn(lib, "MPI_Isend");
        Irecv = (delegate* unmanaged<nint, int, nint, int, int, nint, nint*, int>)Fn(lib, "MPI_Irecv");
    }

    /// <summary>MPI's own text for an error code (<c>MPI_Error_string</c>).</summary>
    public static string ErrorText(int code)
    {
        if (ErrorString == null) return $"MPI error {code}";
        byte* buf = stackalloc byte[MaxErrorString + 1];
        int len = 0;
        if (ErrorString(code, buf, &len) != Success) return $"MPI error {code}";
        return System.Text.Encoding.UTF8.GetString(buf, Math.Clamp(len, 0, MaxErrorString));
    }
}
