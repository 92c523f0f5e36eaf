namespace Ember;

/// <summary>
/// A flat buffer of elements on one device, shared by a tensor and all its views.
/// Carries a version counter that every in-place write bumps; autograd compares it with the
/// version it saved to refuse a backward pass over data changed since.
/// </summary>
public abstract class Storage
{
    private long _version;

    /// <summary>The element type.</summary>
    public DType DType { get; }

    /// <summary>The device holding the buffer.</summary>
    public abstract Device Device { get; }

    /// <summary>Number of elements in the buffer.</summary>
    public int Length { get; }

    /// <summary>Bumped by every in-place write through any view.</summary>
    public long Version => Interlocked.Read(ref _version);

    /// <summary>Creates a storage description.</summary>
    protected Storage(DType dtype, int length) { DType = dtype; Length = length; }

    internal void BumpVersion() => Interlocked.Increment(ref _version);
}

/// <summary>CPU storage: a garbage-collected .NET array. Nothing to dispose.</summary>
internal sealed class CpuStorage<T> : Storage where T : unmanaged
{
    public readonly T[] Data;

    public CpuStorage(DType dtype, T[] data) : base(dtype, data.Length) { Data = data; }

    public override Device Device => Device.Cpu;
}
