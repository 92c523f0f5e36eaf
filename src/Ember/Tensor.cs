using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using Ember.Backends;

namespace Ember;

/// <summary>
/// An n-dimensional array of one <see cref="Ember.DType"/> on one <see cref="Ember.Device"/>, as
/// <c>torch.Tensor</c>. A tensor is a <see cref="Ember.Storage"/> (the elements, shared by all views
/// of it) seen through a layout (shape, strides, offset). View operations make new tensors over the
/// same storage; writing through one view is visible in the others. CPU tensors are ordinary managed
/// objects: nothing needs disposing.
/// </summary>
/// <remarks>The class is split by family: <c>Tensor.Creation.cs</c>, <c>Tensor.Views.cs</c>,
/// <c>Tensor.Pointwise.cs</c>, <c>Tensor.Reductions.cs</c> and so on.</remarks>
[DebuggerDisplay("{DebuggerDisplay,nq}")]
public partial class Tensor
{
    internal Storage Storage { get; private set; }
    internal Layout Layout { get; private set; }

    internal Tensor(Storage storage, Layout layout)
    {
        Storage = storage;
        Layout = layout;
        Jit.Tracer.OnTensorCreated(this);
    }

    /// <summary>The element type.</summary>
    public DType DType => Storage.DType;

    /// <summary>The device holding the elements.</summary>
    public Device Device => Storage.Device;

    /// <summary>The sizes of the dimensions (<c>x.shape</c>).</summary>
    public Shape Shape => new(Layout.Shape);

    /// <summary>The number of dimensions (<c>x.ndim</c>).</summary>
    public int NDim => Layout.Rank;

    /// <summary>The number of dimensions (<c>x.dim()</c>).</summary>
    public int Dim() => Layout.Rank;

    /// <summary>The total number of elements (<c>x.numel()</c>).</summary>
    public long Numel() => Layout.NumElements;

    /// <summary>The size of one dimension; negative dims count from the end (<c>x.size(d)</c>).</summary>
    public int Size(int dim) => Layout.Shape[Dims.Wrap(dim, NDim, "size")];

    /// <summary>The strides, in elements (<c>x.stride()</c>).</summary>
    public int[] Stride() => (int[])Layout.Strides.Clone();

    /// <summary>The stride of one dimension, in elements (<c>x.stride(d)</c>).</summary>
    public int Stride(int dim) => Layout.Strides[Dims.Wrap(dim, NDim, "stride")];

    /// <summary>Where this view starts in its storage, in elements (<c>x.storage_offset()</c>).</summary>
    public int StorageOffset() => Layout.Offset;

    /// <summary>True when the elements are laid out row-major with no gaps (<c>x.is_contiguous()</c>).</summary>
    public bool IsContiguous() => Layout.IsContiguous;

    /// <summary>The storage's version counter: bumped by every in-place write through any view of it.</summary>
    public long Version => Storage.Version;

    /// <summary>True when both tensors are views of the same storage.</summary>
    public bool SharesStorageWith(Tensor other) => ReferenceEquals(Storage, other.Storage);

    internal IBackend Backend => Storage is UninitializedStorage ? throw UninitializedStorage.UsedError() : BackendRegistry.Get(Device);

    /// <summary>
    /// True for an uninitialized parameter or buffer of a lazy module (PyTorch's <c>is_lazy(t)</c>): it
    /// has a dtype and a device but no shape or elements until materialized; operations refuse it.
    /// </summary>
    public bool IsLazy => Storage is UninitializedStorage;

    /// <summary>
    /// Allocates a contiguous tensor, zero-filled unless <paramref name="uninitialized"/>: pass that only
    /// where the kernel about to run writes every element (its memory may be a recycled buffer).
    /// </summary>
    /// <remarks><paramref name="op"/> names the op in errors; left out, it is the calling method's name.</remarks>
    internal static Tensor Alloc(int[] shape, DType dtype, Device device, bool uninitialized = false, [CallerMemberName] string op = "")
    {
        ShapeMath.Numel(shape, op);
        var layout = Layout.Contiguous(shape);
        return new Tensor(AllocateStorage(BackendRegistry.Get(device), dtype, layout, uninitialized, op), layout);
    }

    /// <summary>
    /// Storage for <paramref name="layout"/>'s elements from <paramref name="backend"/>. An allocation
    /// the runtime cannot satisfy is rethrown naming the op, the shape and the bytes it wanted, instead
    /// of a bare "Insufficient memory".
    /// </summary>
    internal static Storage AllocateStorage(IBackend backend, DType dtype, Layout layout, bool uninitialized, string op)
    {
        try { return backend.Allocate(dtype, layout.NumElements, uninitialized); }
        catch (OutOfMemoryException e)
        {
            long bytes = (long)layout.NumElements * dtype.ElementSize();
            throw new OutOfMemoryException(
                $"{op}: out of memory allocating a {dtype.TorchName()} tensor of shape {Ember.Shape.Format(layout.Shape)} on {backend.Device}: {layout.NumElements} elements, {bytes} bytes ({FormatBytes(bytes)}).", e);
        }
    }

    private static string FormatBytes(long bytes) => bytes >= 1L << 30
        ? string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):0.##} GiB")
        : bytes >= 1L << 20 ? string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 20):0.##} MiB")
        : string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.##} KiB");

    /// <summary>A new tensor sharing this one's storage with another layout (a view of this one).</summary>
    internal Tensor WithLayout(Layout layout) => new(Storage, layout) { ViewBase = ViewBase ?? this };

    /// <summary>
    /// For a view, the tensor that owns its storage (PyTorch's <c>._base</c>); null otherwise. Autograd
    /// uses it to rewrite the base's history when a view of it is modified in place.
    /// </summary>
    internal Tensor? ViewBase { get; private set; }

    /// <summary>Marks the storage as written to in place.</summary>
    internal void BumpVersion() => Storage.BumpVersion();

    private string DebuggerDisplay => $"Tensor {Shape} {DType.TorchName()} {Device}";
}
