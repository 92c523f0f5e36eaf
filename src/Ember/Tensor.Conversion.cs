using Ember.Jit;
using System.Runtime.InteropServices;

namespace Ember;

// Moving between dtypes and devices, copying, and reading elements back into .NET.
public partial class Tensor
{
    /// <summary>This tensor converted to <paramref name="dtype"/> (a copy), or itself if it already has it (<c>x.to(dtype)</c>).</summary>
    public Tensor To(DType dtype)
    {
        if (dtype == DType) return this;
        if (IsLazy) return new Tensor(new UninitializedStorage(dtype, Device), Layout);   // as PyTorch, an uninitialized tensor may change dtype
        var r = Alloc(Layout.Shape, dtype, Device, uninitialized: true);
        Backend.Copy(Storage, Layout, r.Storage, r.Layout);
        if (dtype.IsFloatingPoint() && Autograd.Recording(this)) Derivatives.ToCopy.Record(r, [this]);
        return r;
    }

    /// <summary>This tensor on <paramref name="device"/> (a copy), or itself if it is already there (<c>x.to(device)</c>).</summary>
    /// <exception cref="DeviceUnavailableException">The device cannot be used on this machine.</exception>
    public Tensor To(Device device)
    {
        if (device == Device) return this;
        var target = Backends.BackendRegistry.Get(device);
        throw new DeviceUnavailableException($"to: cannot move a tensor from {Device} to {device} with backend {target.GetType().Name}.");
    }

    /// <summary>This tensor on the device named by <paramref name="device"/> (<c>x.to("cuda:0")</c>).</summary>
    public Tensor To(string device) => To(Ember.Device.Parse(device));

    /// <summary>This tensor on the CPU (<c>x.cpu()</c>).</summary>
    public Tensor Cpu() => To(Ember.Device.Cpu);

    /// <summary>This tensor on a CUDA device (<c>x.cuda()</c>).</summary>
    public Tensor Cuda(int index = 0) => To(Ember.Device.Cuda(index));

    /// <summary>float32 copy (<c>x.float()</c>).</summary>
    public Tensor Float() => To(DType.Float32);
    /// <summary>float64 copy (<c>x.double()</c>).</summary>
    public Tensor Double() => To(DType.Float64);
    /// <summary>int64 copy (<c>x.long()</c>).</summary>
    public Tensor Long() => To(DType.Int64);
    /// <summary>int32 copy (<c>x.int()</c>).</summary>
    public Tensor Int() => To(DType.Int32);
    /// <summary>bool copy (<c>x.bool()</c>).</summary>
    public Tensor Bool() => To(DType.Bool);

    /// <summary>A contiguous tensor with the same elements: itself if already contiguous, else a copy (<c>x.contiguous()</c>).</summary>
    public Tensor Contiguous() =>
        Tracer.IsActive ? Tracer.Record("aten::contiguous", [this], null, static (x, _) => [x[0]!.Contiguous()])
        : Layout.IsContiguous ? this : Clone();

    /// <summary>A copy with its own storage, laid out contiguously (<c>x.clone()</c>).</summary>
    public Tensor Clone()
    {
        var r = Alloc(Layout.Shape, DType, Device, uninitialized: true);
        Backend.Copy(Storage, Layout, r.Storage, r.Layout);
        if (Autograd.Recording(this)) Derivatives.Clone.Record(r, [this]);
        return r;
    }

    /// <summary>
    /// Copies <paramref name="src"/> into this tensor, in place, broadcasting it and converting its
    /// dtype (<c>x.copy_(src)</c>). Under autograd, the old values of this tensor get a zero gradient
    /// and <paramref name="src"/> gets the gradient of the positions it was copied to; writing into a
    /// view of a tensor that requires grad (<c>y[.., 0] = v</c>) rewrites that tensor's history.
    /// </summary>
    public Tensor Copy_(Tensor src)
    {
        ArgumentNullException.ThrowIfNull(src);
        CheckWritable("copy_");
        Dims.CheckBroadcastTo(src.Layout.Shape, Layout.Shape, "copy_");
        // As PyTorch, copying into a non-float tensor records nothing (it cannot require grad).
        var ip = DType.IsFloatingPoint() ? Autograd.BeginInPlace(this, "copy_", [src]) : default;
        using (Autograd.NoGrad())
        {
            if (src.Device != Device) src = src.To(Device);
            // Copy through a temporary when the two overlap, so no element is read after it was written.
            if (ReferenceEquals(src.Storage, Storage)) src = src.Clone();
            Backend.Copy(src.Storage, src.Layout.BroadcastTo(Layout.Shape), Storage, Layout);
        }
        BumpVersion();
        ip.Finish(Derivatives.Copy);
        return this;
    }

    /// <summary>
    /// The elements in row-major order as a new array of <typeparamref name="T"/> (converting from
    /// the tensor's dtype if needed; use <c>bool</c> for bool tensors).
    /// </summary>
    public T[] ToArray<T>() where T : unmanaged
    {
        Jit.Tracer.OnRead(this, "ToArray");
        var cpu = Cpu();
        if (typeof(T) == typeof(bool))
        {
            var b = cpu.To(DType.Bool).Contiguous();
            var r = new bool[b.Layout.NumElements];
            var src = ((CpuStorage<byte>)b.Storage).Data.AsSpan(b.Layout.Offset, r.Length);
            for (int i = 0; i < r.Length; i++) r[i] = src[i] != 0;
            return (T[])(object)r;
        }
        DType want = DTypes.FromClrType(typeof(T));
        var c = (cpu.DType == want || (want == DType.UInt8 && cpu.DType == DType.Bool) ? cpu : cpu.To(want)).Contiguous();
        return ((CpuStorage<T>)c.Storage).Data.AsSpan(c.Layout.Offset, c.Layout.NumElements).ToArray();
    }

    /// <summary>
    /// The elements of a contiguous CPU tensor as a writable span over its storage (no copy). Writes
    /// through it bypass the version counter, so do not use it on tensors autograd has saved.
    /// </summary>
    /// <exception cref="InvalidOperationException">The tensor is not on the CPU, not contiguous, or <typeparamref name="T"/> does not match its dtype.</exception>
    public Span<T> AsSpan<T>() where T : unmanaged
    {
        if (Device.Type != DeviceType.Cpu)
            throw new InvalidOperationException($"AsSpan: the tensor is on {Device}; only CPU tensors can be viewed as a span. Call Cpu() first.");
        if (!Layout.IsContiguous)
            throw new InvalidOperationException($"AsSpan: the tensor (shape {Shape}, strides {Ember.Shape.Format(Layout.Strides)}) is not contiguous. Call Contiguous() first.");
        if (Storage is not CpuStorage<T> s)
        {
            if (typeof(T) == typeof(bool) && Storage is CpuStorage<byte> bs && DType == DType.Bool)
                return MemoryMarshal.Cast<byte, T>(bs.Data.AsSpan(Layout.Offset, Layout.NumElements));
            throw new InvalidOperationException($"AsSpan<{typeof(T).Name}>: the tensor's dtype is {DType.TorchName()}, whose elements are {DType.StorageType().Name}.");
        }
        return s.Data.AsSpan(Layout.Offset, Layout.NumElements);
    }

    /// <summary>The value of a one-element tensor, converted to <typeparamref name="T"/> (<c>x.item()</c>).</summary>
    public T Item<T>() where T : unmanaged
    {
        if (Layout.NumElements != 1)
            throw new InvalidOperationException($"item: a Tensor with {Layout.NumElements} elements cannot be converted to a scalar (shape {Shape}).");
        Scalar s = Item();
        if (typeof(T) == typeof(bool)) return (T)(object)s.ToBoolean();
        return s.To<T>();
    }

    /// <summary>The value of a one-element tensor as a <see cref="Ember.Scalar"/> (<c>x.item()</c>).</summary>
    public Scalar Item()
    {
        Jit.Tracer.OnRead(this, "Item");
        if (Layout.NumElements != 1)
            throw new InvalidOperationException($"item: a Tensor with {Layout.NumElements} elements cannot be converted to a scalar (shape {Shape}).");
        return Backend.GetItem(Storage, Layout.Offset);
    }
}
