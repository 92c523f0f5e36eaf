using System.Runtime.InteropServices;

namespace Ember.Distributed.Mpi;

/// <summary>
/// A contiguous CPU tensor's elements pinned for the length of an MPI operation: a non-blocking
/// operation reads or writes them after the call returns, so the garbage collector must not move
/// the storage array until the request completes.
/// </summary>
internal readonly struct PinnedBuffer
{
    private readonly GCHandle _handle;

    /// <summary>The address of the tensor's first element.</summary>
    public readonly nint Address;

    /// <summary>Its element count.</summary>
    public readonly int Count;

    private PinnedBuffer(GCHandle handle, nint address, int count) { _handle = handle; Address = address; Count = count; }

    /// <summary>Pins <paramref name="t"/>'s storage; <paramref name="op"/> names the caller in errors.</summary>
    public static PinnedBuffer Pin(Tensor t, string op)
    {
        if (!t.IsContiguous())
            throw new ArgumentException($"{op}: the MPI backend needs contiguous tensors (got shape {t.Shape} with strides [{string.Join(", ", t.Stride())}]).");
        Array array = t.Storage switch
        {
            CpuStorage<float> s => s.Data,
            CpuStorage<double> s => s.Data,
            CpuStorage<long> s => s.Data,
            CpuStorage<int> s => s.Data,
            CpuStorage<byte> s => s.Data,
            _ => throw new ArgumentException(
                $"{op}: the MPI backend works on CPU tensors; this one is on {t.Device} ({t.DType.TorchName()}). GPU tensors need a GPU backend (NCCL), which Ember does not have yet."),
        };
        var h = GCHandle.Alloc(array, GCHandleType.Pinned);
        return new PinnedBuffer(h, h.AddrOfPinnedObject() + (nint)t.StorageOffset() * t.DType.ElementSize(), (int)t.Numel());
    }

    /// <summary>Unpins the storage.</summary>
    public void Free()
    {
        if (_handle.IsAllocated) _handle.Free();
    }
}
