namespace Ember;

/// <summary>
/// A flat buffer of elements on one device, shared by a tensor and all its views.
/// Carries a version counter that every in-place write bumps; autograd compares it with the
/// version it saved to refuse a backward pass over data changed since.
/// </summary>
public abstract class Storage
{
    private long _version;
    private static long s_lastSerial;

    /// <summary>The element type.</summary>
    public DType DType { get; }

    /// <summary>The device holding the buffer.</summary>
    public abstract Device Device { get; }

    /// <summary>Number of elements in the buffer.</summary>
    public int Length { get; }

    /// <summary>Bumped by every in-place write through any view.</summary>
    public long Version => Interlocked.Read(ref _version);

    /// <summary>Creates a storage description.</summary>
    protected Storage(DType dtype, int length) { DType = dtype; Length = length; Serial = Interlocked.Increment(ref s_lastSerial); }

    /// <summary>
    /// Creation order of storages: the autograd engine tells a gradient made during its own pass (which
    /// nothing outside the pass can hold) from one made before it (a saved tensor, a caller's tensor).
    /// </summary>
    internal long Serial { get; }

    /// <summary>The serial of the latest storage created.</summary>
    internal static long LastSerial => Interlocked.Read(ref s_lastSerial);

    internal void BumpVersion() => Interlocked.Increment(ref _version);
}

/// <summary>CPU storage: a garbage-collected .NET array. Nothing to dispose.</summary>
internal sealed class CpuStorage<T> : Storage where T : unmanaged
{
    public readonly T[] Data;

    public CpuStorage(DType dtype, T[] data) : base(dtype, data.Length) { Data = data; }

    public override Device Device => Device.Cpu;
}

/// <summary>
/// The storage of an uninitialized parameter or buffer (PyTorch's <c>UninitializedParameter</c> /
/// <c>UninitializedBuffer</c>, made by the lazy modules): no elements yet, only the dtype and device
/// the tensor will have once materialized. Every kernel refuses it (see <see cref="UsedError"/>).
/// </summary>
internal sealed class UninitializedStorage(DType dtype, Device device) : Storage(dtype, 0)
{
    public override Device Device => device;

    /// <summary>
    /// PyTorch's error for an operation on an uninitialized tensor, naming the Ember method that was
    /// called (found on the stack: this only runs on the error path).
    /// </summary>
    internal static InvalidOperationException UsedError()
    {
        string op = "an operation";
        string ember = typeof(UninitializedStorage).Assembly.GetName().Name!;
        // The outermost Ember method on the stack is the one the user called.
        foreach (var f in new System.Diagnostics.StackTrace(1, false).GetFrames())
        {
            var m = System.Diagnostics.DiagnosticMethodInfo.Create(f);
            if (m is null || m.DeclaringAssemblyName?.Split(',')[0] != ember) break;
            string type = m.DeclaringTypeName ?? "";
            if (m.Name.Contains('<') || type.Contains('<')) continue;
            op = $"{type[(type.LastIndexOfAny(['.', '+']) + 1)..]}.{m.Name}";
        }
        return new InvalidOperationException(
            $"Attempted to use an uninitialized parameter in {op}. This error happens when you are using a lazy module " +
            "(LazyLinear, LazyConv2d, LazyBatchNorm2d, ...) or explicitly manipulating uninitialized parameters. " +
            "When using lazy modules, call Forward with a dummy batch to initialize the parameters before calling tensor functions.");
    }
}
