using Ember.Backends;

namespace Ember;

// The shared machinery every elementwise op goes through: type promotion, broadcasting, output
// allocation and the in-place rules. Public ops (Tensor.Pointwise*.cs) are one line each on top.
public partial class Tensor
{
    /// <summary>A 0-d tensor holding <paramref name="value"/> as <paramref name="dtype"/> on <paramref name="device"/>.</summary>
    internal static Tensor ScalarTensor(Scalar value, DType dtype, Device device)
    {
        var t = Alloc([], dtype, device);
        t.Backend.Fill(t.Storage, t.Layout, value);
        return t;
    }

    /// <summary>This tensor converted to <paramref name="dtype"/>, or itself when it already is.</summary>
    internal Tensor AsType(DType dtype) => DType == dtype ? this : To(dtype);

    internal static void CheckSameDevice(Tensor a, Tensor b, string op)
    {
        if (a.Device != b.Device)
            throw new ArgumentException($"{op}: expected all tensors to be on the same device, but found at least two devices, {a.Device} and {b.Device}.");
    }

    /// <summary>out = op(x) computed in <paramref name="computeType"/>; the output dtype follows the kernel.</summary>
    internal Tensor UnaryOp(Backends.UnaryOp op, DType computeType)
    {
        var x = AsType(computeType);
        var outT = Alloc(x.Layout.Shape, UnaryOps.ResultType(op, computeType), Device, uninitialized: true);
        Backend.Unary(op, x.Storage, x.Layout, outT.Storage, outT.Layout);
        return outT;
    }

    /// <summary>out = op(x) for a pointwise op: float-only ops turn integer inputs into the default float, as PyTorch.</summary>
    internal Tensor UnaryOp(Backends.UnaryOp op) =>
        UnaryOp(op, UnaryOps.NeedsFloat(op) ? DType.ToFloating() : DType);

    /// <summary>In place: this = op(this). The op's result must be castable back to this tensor's dtype.</summary>
    internal Tensor UnaryOp_(Backends.UnaryOp op, string name)
    {
        DType compute = UnaryOps.NeedsFloat(op) ? DType.ToFloating() : DType;
        if (UnaryOps.ResultType(op, compute) != DType)
            throw new InvalidOperationException($"{name}: result type {UnaryOps.ResultType(op, compute).TorchName()} can't be cast to the desired output type {DType.TorchName()}.");
        CheckWritable(name);
        Backend.Unary(op, Storage, Layout, Storage, Layout);
        BumpVersion();
        return this;
    }

    /// <summary>
    /// out = op(a, b) with broadcasting. <paramref name="computeType"/> is the dtype both inputs are
    /// converted to (normally the promoted type); the output dtype follows the kernel.
    /// </summary>
    internal static Tensor BinaryOp(Backends.BinaryOp op, Tensor a, Tensor b, DType computeType, string name)
    {
        CheckSameDevice(a, b, name);
        int[] shape = SameShape(a.Layout.Shape, b.Layout.Shape) ? a.Layout.Shape : Dims.Broadcast(a.Layout.Shape, b.Layout.Shape, name);
        var ac = a.AsType(computeType);
        var bc = b.AsType(computeType);
        var outT = Alloc(shape, BinaryOps.ResultType(op, computeType), a.Device, uninitialized: true);
        a.Backend.Binary(op, ac.Storage, ac.Layout.BroadcastTo(shape), bc.Storage, bc.Layout.BroadcastTo(shape), outT.Storage, outT.Layout);
        return outT;
    }

    /// <summary>out = op(a, b) computed in the promoted type of the two.</summary>
    internal static Tensor BinaryOp(Backends.BinaryOp op, Tensor a, Tensor b, string name) =>
        BinaryOp(op, a, b, TypePromotion.ResultType([a, b]), name);

    /// <summary>out = op(a, s) with s a wrapped scalar (it raises the category only).</summary>
    internal static Tensor BinaryOp(Backends.BinaryOp op, Tensor a, Scalar s, string name, bool scalarFirst = false)
    {
        DType t = TypePromotion.ResultType([a], s);
        var st = ScalarTensor(s, t, a.Device);
        return scalarFirst ? BinaryOp(op, st, a, t, name) : BinaryOp(op, a, st, t, name);
    }

    /// <summary>
    /// In place: this = op(this, b). <paramref name="b"/> must broadcast to this tensor's shape and the
    /// result type must be castable to this tensor's dtype, as PyTorch requires.
    /// </summary>
    internal Tensor BinaryOp_(Backends.BinaryOp op, Tensor b, DType computeType, string name)
    {
        CheckSameDevice(this, b, name);
        CheckWritable(name);
        if (!SameShape(Layout.Shape, b.Layout.Shape))
        {
            var shape = Dims.Broadcast(Layout.Shape, b.Layout.Shape, name);
            if (!SameShape(shape, Layout.Shape))
                throw new ArgumentException($"{name}: output with shape {Shape} doesn't match the broadcast shape {Ember.Shape.Format(shape)}.");
        }
        DType resultType = BinaryOps.ResultType(op, computeType);
        if (!TypePromotion.CanCast(resultType, DType))
            throw new InvalidOperationException($"{name}: result type {resultType.TorchName()} can't be cast to the desired output type {DType.TorchName()}.");
        var bc = b.AsType(computeType);
        if (computeType == DType && resultType == DType)
        {
            Backend.Binary(op, Storage, Layout, bc.Storage, bc.Layout.BroadcastTo(Layout.Shape), Storage, Layout);
        }
        else
        {
            var ac = AsType(computeType);
            var tmp = Alloc(Layout.Shape, resultType, Device);
            Backend.Binary(op, ac.Storage, ac.Layout, bc.Storage, bc.Layout.BroadcastTo(Layout.Shape), tmp.Storage, tmp.Layout);
            Backend.Copy(tmp.Storage, tmp.Layout, Storage, Layout);
        }
        BumpVersion();
        return this;
    }

    internal Tensor BinaryOp_(Backends.BinaryOp op, Tensor b, string name) =>
        BinaryOp_(op, b, TypePromotion.ResultType([this, b]), name);

    internal Tensor BinaryOp_(Backends.BinaryOp op, Scalar s, string name)
    {
        DType t = TypePromotion.ResultType([this], s);
        return BinaryOp_(op, ScalarTensor(s, t, Device), t, name);
    }

    /// <summary>Refuses in-place writes through a view where several elements share one memory location (e.g. after expand).</summary>
    internal void CheckWritable(string name)
    {
        if (Layout.NumElements <= 1 || Layout.IsContiguous) return;
        for (int i = 0; i < Layout.Rank; i++)
            if (Layout.Strides[i] == 0 && Layout.Shape[i] > 1)
                throw new InvalidOperationException(
                    $"{name}: unsupported operation: more than one element of the written-to tensor (shape {Shape}, strides {Ember.Shape.Format(Layout.Strides)}) refers to a single memory location. Please clone() the tensor before performing the operation.");
    }

    internal static bool SameShape(int[] a, int[] b) => a.AsSpan().SequenceEqual(b);
}
