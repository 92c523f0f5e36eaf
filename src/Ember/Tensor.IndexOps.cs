using Ember.Jit;
using Ember.Backends;

namespace Ember;

// Index-based ops: gather/scatter along a dim, index_select/index_add/index_fill along a dim with a
// 1-D index, masked fill/select. Validation lives here (PyTorch's checks and wording); the backend
// gets range-checked int64 indices and layouts already shaped for its two walks (see IBackend.IndexOps.cs).
// A number passed where a tensor is expected (x.Scatter(1, i, 2.5), x.MaskedFill(m, 0)) arrives as a
// wrapped 0-d tensor and acts as PyTorch's Scalar overload.
public partial class Tensor
{
    /// <summary>
    /// Picks values along <paramref name="dim"/> by index (<c>torch.gather</c>):
    /// <c>out[i][j][k] = self[i][index[i][j][k]][k]</c> for <c>dim == 1</c>. The result has the index's
    /// shape; <paramref name="index"/> (int64) must have as many dims as this tensor and be no larger
    /// in any dim but <paramref name="dim"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The index has the wrong dtype, rank or sizes.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside [0, size(dim)).</exception>
    public Tensor Gather(int dim, Tensor index)
    {
        const string op = "gather()";
        ArgumentNullException.ThrowIfNull(index);
        CheckSameDevice(this, index, op);
        int d = Dims.Wrap(dim, NDim, "gather");
        if (index.DType != DType.Int64)
            throw new ArgumentException($"{op}: Expected dtype int64 for index, but got {index.DType.TorchName()}.", nameof(index));
        var self = NonEmptyDims(Layout);
        var idx = NonEmptyDims(index.Layout);
        if (self.Rank != idx.Rank)
            throw new ArgumentException($"{op}: Index tensor must have the same number of dimensions as input tensor (index {index.Shape}, input {Shape}).", nameof(index));
        for (int k = 0; k < self.Rank; k++)
            if (k != d && idx.Shape[k] > self.Shape[k])
                throw new ArgumentException($"{op}: Size does not match at dimension {k} expected index {index.Shape} to be smaller than self {Shape} apart from dimension {d}.", nameof(index));
        var result = Alloc(index.Layout.Shape, DType, Device, uninitialized: true);
        if (result.Layout.NumElements > 0)
        {
            CheckIndexRange(index, idx, self.Shape[d], d, op);
            var srcView = new Layout(idx.Shape, self.Strides, self.Offset);
            Backend.Gather(Storage, srcView, d, index.Storage, idx, result.Storage, Layout.Contiguous(idx.Shape));
        }
        if (Autograd.Recording(this)) Derivatives.Gather.Record(result, [this], saved: [index], state: dim);
        return result;
    }

    /// <summary>
    /// A copy of this tensor with values from <paramref name="src"/> written at the positions
    /// <paramref name="index"/> names along <paramref name="dim"/> (<c>torch.scatter</c>):
    /// <c>out[i][index[i][j][k]][k] = src[i][j][k]</c> for <c>dim == 1</c>. When <paramref name="src"/> is
    /// a number, that value is written everywhere the index points (PyTorch's <c>scatter(dim, index, value)</c>).
    /// Where an index repeats, which write wins is unspecified in PyTorch; Ember keeps the last in row-major order.
    /// </summary>
    /// <remarks>Gradients: self gets g with the written positions zeroed, src gets g gathered at the index
    /// (every src element, even one whose write lost to a repeated index, as PyTorch). Where src is larger
    /// than the index, its unread part gets zeros; PyTorch refuses that backward with a shape error.</remarks>
    public Tensor Scatter(int dim, Tensor index, Tensor src)
    {
        Tensor result;
        using (Autograd.NoGrad()) result = Clone().ScatterImpl(dim, index, src, ScatterMode.Assign, "scatter");
        if (IsScatterValue(src))
        {
            if (Autograd.Recording(this)) Derivatives.ScatterValue.Record(result, [this], saved: [index], state: dim);
        }
        else if (Autograd.Recording(this, src)) Derivatives.ScatterSrc.Record(result, [this, src], saved: [index], state: dim);
        return result;
    }

    /// <summary>In-place <see cref="Scatter(int, Tensor, Tensor)"/> (<c>x.scatter_(dim, index, src)</c>).</summary>
    public Tensor Scatter_(int dim, Tensor index, Tensor src)
    {
        ArgumentNullException.ThrowIfNull(src);
        bool value = IsScatterValue(src);
        var ip = Autograd.BeginInPlace(this, "scatter_", value ? [] : [src]);
        ScatterImpl(dim, index, src, ScatterMode.Assign, "scatter_");
        ip.Finish(value ? Derivatives.ScatterValue : Derivatives.ScatterSrc, saved: [index], state: dim);
        return this;
    }

    /// <summary>A number passed as src: PyTorch's scatter(dim, index, value) overload.</summary>
    private static bool IsScatterValue(Tensor? src) => src is not null && src.IsWrappedNumber;

    /// <summary>
    /// A copy of this tensor with <paramref name="src"/> added at the positions <paramref name="index"/>
    /// names along <paramref name="dim"/> (<c>torch.scatter_add</c>): <c>out[i][index[i][j][k]][k] += src[i][j][k]</c>.
    /// Repeated indices accumulate. <paramref name="src"/> must have this tensor's dtype.
    /// </summary>
    /// <remarks>Gradients as <see cref="Scatter(int, Tensor, Tensor)"/>'s, except that self keeps all of g: a src larger than
    /// the index gets zeros where the index does not read it (PyTorch refuses that backward).</remarks>
    public Tensor ScatterAdd(int dim, Tensor index, Tensor src)
    {
        Tensor result;
        using (Autograd.NoGrad()) result = Clone().ScatterImpl(dim, index, src, ScatterMode.Add, "scatter_add");
        if (Autograd.Recording(this, src)) Derivatives.ScatterAdd.Record(result, [this, src], saved: [index], state: dim);
        return result;
    }

    /// <summary>In-place <see cref="ScatterAdd(int, Tensor, Tensor)"/> (<c>x.scatter_add_(dim, index, src)</c>).</summary>
    public Tensor ScatterAdd_(int dim, Tensor index, Tensor src)
    {
        var ip = Autograd.BeginInPlace(this, "scatter_add_", [src]);
        ScatterImpl(dim, index, src, ScatterMode.Add, "scatter_add_");
        ip.Finish(Derivatives.ScatterAdd, saved: [index], state: dim);
        return this;
    }

    /// <summary>
    /// Validates and scatters. With <paramref name="identity"/>, every destination the index names is
    /// first set to it (scatter_reduce with include_self=False).
    /// </summary>
    private Tensor ScatterImpl(int dim, Tensor index, Tensor src, ScatterMode mode, string name, Scalar? identity = null)
    {
        string op = name + "()";
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(src);
        CheckSameDevice(this, index, op);
        int d = Dims.Wrap(dim, NDim, name);
        if (index.DType != DType.Int64)
            throw new ArgumentException($"{op}: Expected dtype int64 for index, but got {index.DType.TorchName()}.", nameof(index));
        bool isValue = src.IsWrappedNumber && mode == ScatterMode.Assign;
        if (!isValue)
        {
            CheckSameDevice(this, src, op);
            if (src.DType != DType)
                throw new ArgumentException($"{op}: Expected self.dtype to be equal to src.dtype (self is {DType.TorchName()}, src is {src.DType.TorchName()}).", nameof(src));
        }
        CheckWritable(name);
        if (index.Layout.NumElements == 0) return this;
        var self = NonEmptyDims(Layout);
        var idx = NonEmptyDims(index.Layout);
        if (self.Rank != idx.Rank)
            throw new ArgumentException($"{op}: Index tensor must have the same number of dimensions as self tensor (index {index.Shape}, self {Shape}).", nameof(index));
        Layout srcView;
        if (isValue)
        {
            for (int k = 0; k < idx.Rank; k++)
                if (k != d && idx.Shape[k] > self.Shape[k])
                    throw new ArgumentException($"{op}: Expected index {index.Shape} to be smaller than self {Shape} apart from dimension {d}.", nameof(index));
            src = ScalarTensor(src.Item(), DType, Device);
            srcView = src.Layout.BroadcastTo(idx.Shape);
        }
        else
        {
            var sl = NonEmptyDims(src.Layout);
            if (sl.Rank != idx.Rank)
                throw new ArgumentException($"{op}: Index tensor must have the same number of dimensions as src tensor (index {index.Shape}, src {src.Shape}).", nameof(src));
            for (int k = 0; k < idx.Rank; k++)
                if ((k != d && idx.Shape[k] > self.Shape[k]) || idx.Shape[k] > sl.Shape[k])
                    throw new ArgumentException($"{op}: Expected index {index.Shape} to be smaller than self {Shape} apart from dimension {d} and to be smaller size than src {src.Shape}.", nameof(index));
            if (ReferenceEquals(src.Storage, Storage)) { src = src.Clone(); sl = NonEmptyDims(src.Layout); }
            srcView = new Layout(idx.Shape, sl.Strides, sl.Offset);
        }
        // An index that is a view of the tensor being written must not change under the walk.
        if (ReferenceEquals(index.Storage, Storage)) { index = index.Clone(); idx = NonEmptyDims(index.Layout); }
        CheckIndexRange(index, idx, self.Shape[d], d, op);
        if (identity is { } id)
        {
            var v = ScalarTensor(id, DType, Device);
            Backend.Scatter(Storage, self, d, index.Storage, idx, v.Storage, v.Layout.BroadcastTo(idx.Shape), ScatterMode.Assign, 1);
        }
        Backend.Scatter(Storage, self, d, index.Storage, idx, src.Storage, srcView, mode, 1);
        BumpVersion();
        return this;
    }

    /// <summary>
    /// A copy of this tensor with the elements of <paramref name="src"/> reduced into the positions
    /// <paramref name="index"/> names along <paramref name="dim"/> (<c>torch.scatter_reduce</c>), as
    /// <see cref="Scatter(int, Tensor, Tensor)"/> but combining with <paramref name="reduce"/>: <c>"sum"</c>, <c>"prod"</c>,
    /// <c>"mean"</c>, <c>"amax"</c> or <c>"amin"</c>. With <paramref name="includeSelf"/> false the
    /// tensor's own values at the scattered positions are left out of the reduction (positions no index
    /// names keep them). Integer means round toward negative infinity, as PyTorch; amax/amin propagate NaN.
    /// </summary>
    /// <remarks>
    /// Gradients follow PyTorch's <c>scatter_reduce_backward</c> for every reduction: amax/amin split the
    /// gradient evenly among the values equal to the result, and prod handles zeros (one zero among the
    /// factors of a position gets the product of the others). One deliberate difference: for amax/amin with
    /// <paramref name="includeSelf"/> false, a self value left out of the reduction is not counted as a tie
    /// (PyTorch counts it when it happens to equal the result, and so halves the gradient of a src value
    /// that is the unique maximum). Second derivatives of prod are not correct where two or more zeros meet
    /// at one position (PyTorch raises an error there).
    /// </remarks>
    /// <exception cref="ArgumentException">An unknown reduction, <c>"mean"</c> on a bool tensor, or the checks of <see cref="Scatter(int, Tensor, Tensor)"/>.</exception>
    public Tensor ScatterReduce(int dim, Tensor index, Tensor src, string reduce, bool includeSelf = true)
    {
        Tensor result;
        using (Autograd.NoGrad()) result = Clone().ScatterReduceImpl(dim, index, src, reduce, includeSelf, "scatter_reduce");
        if (Autograd.Recording(this, src))
        {
            var state = new Derivatives.ScatterReduceState(dim, reduce, includeSelf);
            if (reduce is "sum" or "mean") Derivatives.ScatterReduce.Record(result, [this, src], saved: [index], state: state);
            else Derivatives.ScatterReduce.Record(result, [this, src], saved: [index, this, src, result], state: state);
        }
        return result;
    }

    /// <summary>In-place <see cref="ScatterReduce(int, Tensor, Tensor, string, bool)"/> (<c>x.scatter_reduce_(dim, index, src, reduce, include_self=...)</c>).</summary>
    public Tensor ScatterReduce_(int dim, Tensor index, Tensor src, string reduce, bool includeSelf = true)
    {
        bool needsValues = reduce is not ("sum" or "mean");
        var ip = Autograd.BeginInPlace(this, "scatter_reduce_", [src], saveOriginal: needsValues);
        // A src that shares this tensor's memory is about to change: keep its values for the formula.
        var srcBefore = needsValues && ip.Active && src is not null && ReferenceEquals(src.Storage, Storage) ? src.Detach().Clone() : src;
        ScatterReduceImpl(dim, index, src!, reduce, includeSelf, "scatter_reduce_");
        var state = new Derivatives.ScatterReduceState(dim, reduce, includeSelf);
        if (!ip.Active) return this;
        if (needsValues) ip.Finish(Derivatives.ScatterReduce, saved: [index, ip.Original!, srcBefore!, this], state: state);
        else ip.Finish(Derivatives.ScatterReduce, saved: [index], state: state);
        return this;
    }

    private Tensor ScatterReduceImpl(int dim, Tensor index, Tensor src, string reduce, bool includeSelf, string name)
    {
        ArgumentNullException.ThrowIfNull(reduce);
        ScatterMode mode = reduce switch
        {
            "sum" or "mean" => ScatterMode.Add,
            "prod" => ScatterMode.Multiply,
            "amax" => ScatterMode.Max,
            "amin" => ScatterMode.Min,
            _ => throw new ArgumentException($"{name}(): reduce argument must be either sum, prod, mean, amax or amin, got \"{reduce}\".", nameof(reduce)),
        };
        if (reduce == "mean" && DType == DType.Bool)
            throw new ArgumentException($"{name}(): reduce \"mean\" is not supported for torch.bool tensors.", nameof(reduce));
        Scalar? identity = includeSelf ? null : ReduceIdentity(mode, DType);
        if (reduce != "mean") return ScatterImpl(dim, index, src, mode, name, identity);
        ScatterImpl(dim, index, src, ScatterMode.Add, name, identity);
        // Divide each scattered position by how many values it received (plus one for itself).
        var counts = Full(Layout.Shape, includeSelf ? 1 : 0, DType, Device);
        counts.ScatterImpl(dim, index, FullLike(index, 1, DType), ScatterMode.Add, name);
        var zero = BinaryOp(Backends.BinaryOp.Eq, counts, 0L, name);
        Backend.MaskedFill(counts.Storage, counts.Layout, zero.Storage, zero.Layout, 1);
        if (DType.IsFloatingPoint())
        {
            Backend.Binary(Backends.BinaryOp.Div, Storage, Layout, counts.Storage, counts.Layout, Storage, Layout);
        }
        else
        {
            // Floor division through float64 (exact for the integer sizes a mean of counts can reach).
            var q = BinaryOp(Backends.BinaryOp.Div, To(DType.Float64), counts.To(DType.Float64), name).UnaryOp(Backends.UnaryOp.Floor);
            Backend.Copy(q.Storage, q.Layout, Storage, Layout);
        }
        BumpVersion();
        return this;
    }

    /// <summary>The value a reduction starts from, so that writing it first leaves the tensor's own value out.</summary>
    private static Scalar ReduceIdentity(ScatterMode mode, DType t) => mode switch
    {
        ScatterMode.Add => 0,
        ScatterMode.Multiply => 1,
        ScatterMode.Max => t switch
        {
            DType.Float32 or DType.Float64 => double.NegativeInfinity,
            DType.Int64 => long.MinValue, DType.Int32 => int.MinValue, DType.Bool => false, _ => 0,
        },
        _ => t switch
        {
            DType.Float32 or DType.Float64 => double.PositiveInfinity,
            DType.Int64 => long.MaxValue, DType.Int32 => int.MaxValue, DType.UInt8 => 255, _ => true,
        },
    };

    /// <summary>
    /// The slices of this tensor along <paramref name="dim"/> at the positions in the 1-D (or 0-d)
    /// <paramref name="index"/> (int64 or int32), in that order (<c>torch.index_select</c>). The result
    /// is a copy whose size along <paramref name="dim"/> is the number of indices.
    /// </summary>
    /// <remarks>On a 0-d tensor the index must hold one element (0) and the result is 0-d; PyTorch 1.13
    /// silently accepted several there, later versions refuse them as Ember does.</remarks>
    public Tensor IndexSelect(int dim, Tensor index)
    {
        const string op = "index_select()";
        ArgumentNullException.ThrowIfNull(index);
        CheckSameDevice(this, index, op);
        int d = Dims.Wrap(dim, NDim, "index_select");
        index = CheckVectorIndex(index, op);
        var self = NonEmptyDims(Layout);
        int n = index.Layout.NumElements;
        if (NDim == 0 && n != 1)
            throw new ArgumentException($"{op}: Index to scalar can have only 1 value, got {n} value(s).", nameof(index));
        var outShape = (int[])self.Shape.Clone();
        outShape[d] = n;
        var result = Alloc(NDim == 0 ? [] : outShape, DType, Device);
        if (result.Layout.NumElements > 0)
        {
            var idx = VectorIndexAlong(index, outShape, d);
            CheckIndexRange(index, index.Layout, self.Shape[d], d, op);
            Backend.Gather(Storage, new Layout(outShape, self.Strides, self.Offset), d, index.Storage, idx, result.Storage, Layout.Contiguous(outShape));
        }
        if (Autograd.Recording(this)) Derivatives.IndexSelect.Record(result, [this], saved: [index], state: dim);
        return result;
    }

    /// <summary>
    /// A copy of this tensor with <c>alpha * source</c> added to the slices along <paramref name="dim"/>
    /// at the positions in the 1-D <paramref name="index"/> (<c>torch.index_add</c>): for <c>dim == 0</c>,
    /// <c>out[index[i]] += alpha * source[i]</c>. Repeated indices accumulate. <paramref name="source"/>
    /// must have this tensor's dtype and shape except along <paramref name="dim"/>, where its size is the
    /// number of indices. <paramref name="alpha"/> defaults to 1 (for integer tensors it is truncated, as PyTorch).
    /// </summary>
    public Tensor IndexAdd(int dim, Tensor index, Tensor source, Scalar? alpha = null)
    {
        Tensor result;
        using (Autograd.NoGrad()) result = Clone().IndexAddImpl(dim, index, source, alpha ?? 1, "index_add");
        if (Autograd.Recording(this, source)) Derivatives.IndexAdd.Record(result, [this, source], saved: [index], state: (dim, (alpha ?? 1).ToDouble()));
        return result;
    }

    /// <summary>In-place <see cref="IndexAdd(int, Tensor, Tensor, Scalar?)"/> (<c>x.index_add_(dim, index, source, alpha=alpha)</c>).</summary>
    public Tensor IndexAdd_(int dim, Tensor index, Tensor source, Scalar? alpha = null)
    {
        var ip = Autograd.BeginInPlace(this, "index_add_", [source]);
        IndexAddImpl(dim, index, source, alpha ?? 1, "index_add_");
        ip.Finish(Derivatives.IndexAdd, saved: [index], state: (dim, (alpha ?? 1).ToDouble()));
        return this;
    }

    private Tensor IndexAddImpl(int dim, Tensor index, Tensor source, Scalar alpha, string name)
    {
        string op = name + "()";
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(source);
        CheckSameDevice(this, index, op);
        CheckSameDevice(this, source, op);
        int d = Dims.Wrap(dim, NDim, name);
        if (index.NDim > 1)
            throw new ArgumentException($"{op}: Index is supposed to be a vector, but got dim: {index.NDim} with type: {index.DType.TorchName()} and size: {index.Shape}.", nameof(index));
        if (index.DType is not (DType.Int64 or DType.Int32))
            throw new ArgumentException($"{op}: Expected dtype int32/int64 for index but got: {index.DType.TorchName()}.", nameof(index));
        if (source.DType != DType)
            throw new ArgumentException($"{op}: self ({DType.TorchName()}) and source ({source.DType.TorchName()}) must have the same scalar type.", nameof(source));
        if (d != 0 && d >= source.NDim)
            throw new ArgumentException($"{op}: Indexing dim {d} is out of bounds of the source tensor with dim {source.NDim}.", nameof(source));
        int n = index.Layout.NumElements;
        int sourceN = source.NDim == 0 ? 1 : source.Layout.Shape[d];
        if (n != sourceN)
            throw new ArgumentException($"{op}: Number of indices ({n}) should be equal to source.size(dim): ({sourceN}), for dim: {d}.", nameof(source));
        var self = NonEmptyDims(Layout);
        var src = NonEmptyDims(source.Layout);
        bool shapeOk = src.Rank == self.Rank;
        for (int k = 0; shapeOk && k < self.Rank; k++) shapeOk = k == d || src.Shape[k] == self.Shape[k];
        if (!shapeOk)
            throw new ArgumentException($"{op}: source shape {source.Shape} must match self shape {Shape} except in dimension {d}.", nameof(source));
        CheckWritable(name);
        if (n == 0 || Layout.NumElements == 0) return this;
        index = index.AsType(DType.Int64);
        if (ReferenceEquals(index.Storage, Storage)) index = index.Clone();
        CheckIndexRange(index, index.Layout, self.Shape[d], d, op);
        if (ReferenceEquals(source.Storage, Storage)) { source = source.Clone(); src = NonEmptyDims(source.Layout); }
        var idx = VectorIndexAlong(index, src.Shape, d);
        Backend.Scatter(Storage, self, d, index.Storage, idx, source.Storage, src, ScatterMode.Add, alpha);
        BumpVersion();
        return this;
    }

    /// <summary>
    /// A copy of this tensor with every slice along <paramref name="dim"/> at the positions in the 1-D
    /// <paramref name="index"/> set to <paramref name="value"/> (a number or a 0-d tensor) (<c>torch.index_fill</c>).
    /// As PyTorch, negative indices count from the end here.
    /// </summary>
    public Tensor IndexFill(int dim, Tensor index, Tensor value)
    {
        Tensor result;
        using (Autograd.NoGrad()) result = Clone().IndexFillImpl(dim, index, value, "index_fill");
        if (value is not null && value.RequiresGrad)
        {
            if (Autograd.Recording(this, value)) Derivatives.IndexFillTensor.Record(result, [this, value], saved: [index], state: dim);
        }
        else if (Autograd.Recording(this)) Derivatives.IndexFillScalar.Record(result, [this], saved: [index], state: dim);
        return result;
    }

    /// <summary>In-place <see cref="IndexFill(int, Tensor, Tensor)"/> (<c>x.index_fill_(dim, index, value)</c>).</summary>
    public Tensor IndexFill_(int dim, Tensor index, Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        bool tensorValue = value.RequiresGrad;
        var ip = Autograd.BeginInPlace(this, "index_fill_", tensorValue ? [value] : []);
        IndexFillImpl(dim, index, value, "index_fill_");
        ip.Finish(tensorValue ? Derivatives.IndexFillTensor : Derivatives.IndexFillScalar, saved: [index], state: dim);
        return this;
    }

    private Tensor IndexFillImpl(int dim, Tensor index, Tensor value, string name)
    {
        string op = name + "()";
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(value);
        CheckSameDevice(this, index, op);
        int d = Dims.Wrap(dim, NDim, name);
        if (index.DType != DType.Int64)
            throw new ArgumentException($"{op}: Expected dtype int64 for index, but got {index.DType.TorchName()}.", nameof(index));
        if (index.NDim > 1)
            throw new ArgumentException($"{op}: Index has to be a vector/scalar, but got shape {index.Shape}.", nameof(index));
        if (value.NDim != 0)
            throw new ArgumentException($"{op}: only supports a 0-dimensional value tensor, but got tensor with {value.NDim} dimension(s).", nameof(value));
        CheckWritable(name);
        var self = NonEmptyDims(Layout);
        int size = self.Shape[d];
        if (index.Layout.NumElements == 0 || Layout.NumElements == 0) return this;
        if (ReferenceEquals(index.Storage, Storage)) index = index.Clone();
        if (Backend.FirstIndexOutOfRange(index.Storage, index.Layout, -size, size) is { } bad)
            throw new ArgumentOutOfRangeException(nameof(index), $"{op}: index {bad} is out of bounds for dimension {d} with size {size}.");
        if (Backend.FirstIndexOutOfRange(index.Storage, index.Layout, 0, size) is not null)
            index = WrapNegative(index, size);
        var shape = (int[])self.Shape.Clone();
        shape[d] = index.Layout.NumElements;
        var idx = VectorIndexAlong(index, shape, d);
        var v = ScalarTensor(value.Item(), DType, Device);
        Backend.Scatter(Storage, self, d, index.Storage, idx, v.Storage, v.Layout.BroadcastTo(shape), ScatterMode.Assign, 1);
        BumpVersion();
        return this;
    }

    /// <summary>
    /// A copy of this tensor with <paramref name="value"/> (a number or a 0-d tensor) written wherever
    /// the bool <paramref name="mask"/> is true (<c>torch.masked_fill</c>). This tensor and the mask
    /// broadcast together; the result has the broadcast shape and this tensor's dtype (a float value
    /// written into an integer tensor is truncated, as PyTorch).
    /// </summary>
    /// <remarks>PyTorch 1.13 still accepts uint8 masks with a deprecation warning (and silently accepts
    /// others); Ember accepts only bool masks, as later PyTorch does.</remarks>
    public Tensor MaskedFill(Tensor mask, Tensor value)
    {
        const string op = "masked_fill";
        ArgumentNullException.ThrowIfNull(mask);
        if (Tracer.IsActive) return Tracer.Record("aten::masked_fill", [this, mask, value], null, static (x, _) => [x[0]!.MaskedFill(x[1]!, x[2]!)]);
        CheckMaskedFillArgs(mask, value, op);
        int[] shape = Dims.Broadcast(Layout.Shape, mask.Layout.Shape, op);
        var result = Alloc(shape, DType, Device);
        Backend.Copy(Storage, Layout.BroadcastTo(shape), result.Storage, result.Layout);
        Backend.MaskedFill(result.Storage, result.Layout, mask.Storage, mask.Layout.BroadcastTo(shape), value.Item());
        if (value.RequiresGrad)
        {
            if (Autograd.Recording(this, value)) Derivatives.MaskedFillTensor.Record(result, [this, value], saved: [mask]);
        }
        else if (Autograd.Recording(this)) Derivatives.MaskedFillScalar.Record(result, [this], saved: [mask]);
        return result;
    }

    /// <summary>In-place <see cref="MaskedFill(Tensor, Tensor)"/> (<c>x.masked_fill_(mask, value)</c>): the mask must broadcast to this tensor's shape.</summary>
    public Tensor MaskedFill_(Tensor mask, Tensor value)
    {
        const string op = "masked_fill_";
        ArgumentNullException.ThrowIfNull(mask);
        CheckMaskedFillArgs(mask, value, op);
        int[] shape = Dims.Broadcast(Layout.Shape, mask.Layout.Shape, op);
        if (!SameShape(shape, Layout.Shape))
            throw new ArgumentException($"{op}: output with shape {Shape} doesn't match the broadcast shape {Ember.Shape.Format(shape)}.", nameof(mask));
        CheckWritable(op);
        bool tensorValue = value.RequiresGrad;
        var ip = Autograd.BeginInPlace(this, op, tensorValue ? [value] : []);
        if (ReferenceEquals(mask.Storage, Storage)) { using (Autograd.NoGrad()) mask = mask.Clone(); }
        Backend.MaskedFill(Storage, Layout, mask.Storage, mask.Layout.BroadcastTo(shape), value.Item());
        BumpVersion();
        ip.Finish(tensorValue ? Derivatives.MaskedFillTensor : Derivatives.MaskedFillScalar, saved: [mask]);
        return this;
    }

    private void CheckMaskedFillArgs(Tensor mask, Tensor value, string op)
    {
        ArgumentNullException.ThrowIfNull(value);
        CheckSameDevice(this, mask, op);
        if (mask.DType != DType.Bool)
            throw new ArgumentException($"{op} only supports boolean masks, but got mask with dtype {mask.DType.TorchName()}.", nameof(mask));
        if (value.NDim != 0)
            throw new ArgumentException($"{op} only supports a 0-dimensional value tensor, but got tensor with {value.NDim} dimension(s).", nameof(value));
    }

    /// <summary>
    /// The elements of this tensor where the bool <paramref name="mask"/> is true, as a new 1-D tensor
    /// in row-major order (<c>torch.masked_select</c>). The tensor and the mask broadcast together.
    /// </summary>
    public Tensor MaskedSelect(Tensor mask)
    {
        const string op = "masked_select";
        ArgumentNullException.ThrowIfNull(mask);
        CheckSameDevice(this, mask, op);
        if (mask.DType != DType.Bool)
            throw new ArgumentException($"{op}: expected BoolTensor for mask, but got mask with dtype {mask.DType.TorchName()}.", nameof(mask));
        int[] shape = Dims.Broadcast(Layout.Shape, mask.Layout.Shape, op);
        var storage = Backend.MaskedSelect(Storage, Layout.BroadcastTo(shape), mask.Storage, mask.Layout.BroadcastTo(shape));
        var result = new Tensor(storage, Layout.Contiguous([storage.Length]));
        if (Autograd.Recording(this)) Derivatives.MaskedSelect.Record(result, [this], saved: [mask]);
        return result;
    }

    /// <summary>
    /// The elements at <paramref name="index"/> (int64) of this tensor seen as 1-D in row-major order
    /// (<c>torch.take</c>); the result has the index's shape. Negative indices count from the end.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside [-numel, numel).</exception>
    public Tensor Take(Tensor index)
    {
        Tensor result;
        Tensor? flatIndex;
        using (Autograd.NoGrad()) result = TakeImpl(index, out flatIndex);
        if (Autograd.Recording(this))
        {
            // A private copy of the wrapped flat index: the backward must not see later writes to the caller's index.
            var own = flatIndex is null ? Zeros([0], DType.Int64, Device) : ReferenceEquals(flatIndex.Storage, index.Storage) ? flatIndex.Clone() : flatIndex;
            Derivatives.Take.Record(result, [this], state: own);
        }
        return result;
    }

    private Tensor TakeImpl(Tensor index, out Tensor? flatIndexOut)
    {
        const string op = "take()";
        flatIndexOut = null;
        ArgumentNullException.ThrowIfNull(index);
        CheckSameDevice(this, index, op);
        if (index.DType != DType.Int64)
            throw new ArgumentException($"{op}: Expected a long tensor for index, but got {index.DType.TorchName()}.", nameof(index));
        int n = Layout.NumElements, k = index.Layout.NumElements;
        var result = Alloc(index.Layout.Shape, DType, Device);
        if (k == 0) return result;
        if (n == 0) throw new ArgumentOutOfRangeException(nameof(index), $"{op}: tried to take from an empty tensor (shape {Shape}).");
        if (Backend.FirstIndexOutOfRange(index.Storage, index.Layout, -n, n) is { } bad)
            throw new ArgumentOutOfRangeException(nameof(index), $"{op}: out of range: tried to access index {bad} on a tensor of {n} elements.");
        var flatIndex = index.Contiguous();
        if (Backend.FirstIndexOutOfRange(flatIndex.Storage, flatIndex.Layout, 0, n) is not null)
            flatIndex = WrapNegative(flatIndex, n);
        var self = Contiguous();
        Backend.Gather(self.Storage, new Layout([k], [1], self.Layout.Offset), 0, flatIndex.Storage, new Layout([k], [1], flatIndex.Layout.Offset),
            result.Storage, Layout.Contiguous([k]));
        flatIndexOut = flatIndex.WithLayout(new Layout([k], [1], flatIndex.Layout.Offset));
        return result;
    }

    /// <summary>
    /// <see cref="Gather(int, Tensor)"/> with broadcasting (<c>torch.take_along_dim</c>): this tensor and
    /// <paramref name="indices"/> (int64, same number of dims) broadcast together in every dim but
    /// <paramref name="dim"/>. Without a dim both are flattened and the result is 1-D. Pairs with
    /// <c>ArgMax</c>/<c>ArgSort</c> results taken with <c>keepDim</c>.
    /// </summary>
    public Tensor TakeAlongDim(Tensor indices, int? dim = null)
    {
        const string op = "take_along_dim()";
        ArgumentNullException.ThrowIfNull(indices);
        CheckSameDevice(this, indices, op);
        if (indices.DType != DType.Int64)
            throw new ArgumentException($"{op}: dtype of indices should be Long but got {indices.DType.TorchName()}.", nameof(indices));
        if (dim is null)
        {
            // Composite of public ops (reshape, expand, gather): each records its own node.
            var flatSelf = NDim == 1 ? this : Reshape(Layout.NumElements);
            return flatSelf.Gather(0, indices.NDim == 1 ? indices : indices.Reshape(indices.Layout.NumElements));
        }
        int d = Dims.Wrap(dim.Value, NDim, "take_along_dim");
        if (NDim != indices.NDim)
            throw new ArgumentException($"{op}: input and indices should have the same number of dimensions, but got {NDim} dimensions for input, and {indices.NDim} dimensions for indices.", nameof(indices));
        if (NDim == 0) return Gather(d, indices);
        var selfSizes = (int[])Layout.Shape.Clone();
        selfSizes[d] = indices.Layout.Shape[d];
        int[] shape = Dims.Broadcast(selfSizes, indices.Layout.Shape, "take_along_dim");
        var selfShape = (int[])shape.Clone();
        selfShape[d] = Layout.Shape[d];
        var selfB = SameShape(selfShape, Layout.Shape) ? this : Expand(selfShape);
        var indicesB = SameShape(shape, indices.Layout.Shape) ? indices : indices.Expand(shape);
        return selfB.Gather(d, indicesB);
    }

    /// <summary>
    /// A copy of this tensor whose slices along <paramref name="dim"/> at the positions in the 1-D
    /// int64 <paramref name="index"/> are replaced by the slices of <paramref name="source"/>
    /// (<c>torch.index_copy</c>): for <c>dim == 0</c>, <c>out[index[i]] = source[i]</c>. With repeated
    /// indices the last copy wins in Ember (PyTorch leaves it unspecified).
    /// </summary>
    public Tensor IndexCopy(int dim, Tensor index, Tensor source)
    {
        Tensor result;
        using (Autograd.NoGrad()) result = Clone().IndexCopyImpl(dim, index, source, "index_copy");
        if (Autograd.Recording(this, source)) Derivatives.IndexCopy.Record(result, [this, source], saved: [index], state: dim);
        return result;
    }

    /// <summary>In-place <see cref="IndexCopy(int, Tensor, Tensor)"/> (<c>x.index_copy_(dim, index, source)</c>).</summary>
    public Tensor IndexCopy_(int dim, Tensor index, Tensor source)
    {
        var ip = Autograd.BeginInPlace(this, "index_copy_", [source]);
        IndexCopyImpl(dim, index, source, "index_copy_");
        ip.Finish(Derivatives.IndexCopy, saved: [index], state: dim);
        return this;
    }

    private Tensor IndexCopyImpl(int dim, Tensor index, Tensor source, string name)
    {
        string op = name + "()";
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(source);
        CheckSameDevice(this, index, op);
        CheckSameDevice(this, source, op);
        int d = Dims.Wrap(dim, NDim, name);
        if (index.NDim > 1)
            throw new ArgumentException($"{op}: Index should have dimension 1 or 0 (got {index.NDim}).", nameof(index));
        if (index.DType != DType.Int64)
            throw new ArgumentException($"{op}: Expected a long tensor for index, but got {index.DType.TorchName()}.", nameof(index));
        if (source.DType != DType)
            throw new ArgumentException($"{op}: self and source expected to have the same dtype, but got (self) {DType.TorchName()} and (source) {source.DType.TorchName()}.", nameof(source));
        int n = index.Layout.NumElements;
        var self = NonEmptyDims(Layout);
        var src = NonEmptyDims(source.Layout);
        bool shapeOk = src.Rank == self.Rank;
        for (int k = 0; shapeOk && k < self.Rank; k++) shapeOk = k == d || src.Shape[k] == self.Shape[k];
        if (!shapeOk)
            throw new ArgumentException($"{op}: source shape {source.Shape} must match self shape {Shape} except in dimension {d}.", nameof(source));
        if (n != src.Shape[d])
            throw new ArgumentException($"{op}: Number of indices ({n}) should be equal to source.size(dim) ({src.Shape[d]}).", nameof(source));
        CheckWritable(name);
        if (n == 0 || Layout.NumElements == 0) return this;
        if (ReferenceEquals(index.Storage, Storage)) index = index.Clone();
        CheckIndexRange(index, index.Layout, self.Shape[d], d, op);
        if (ReferenceEquals(source.Storage, Storage)) { source = source.Clone(); src = NonEmptyDims(source.Layout); }
        Backend.Scatter(Storage, self, d, index.Storage, VectorIndexAlong(index, src.Shape, d), source.Storage, src, ScatterMode.Assign, 1);
        BumpVersion();
        return this;
    }

    // ---- shared helpers ----

    /// <summary>index + size * (index &lt; 0): negative indices counted from the end, as a new tensor.</summary>
    private static Tensor WrapNegative(Tensor index, int size)
    {
        var neg = BinaryOp(Backends.BinaryOp.Lt, index, 0L, "index");
        return BinaryOp(Backends.BinaryOp.Add, index, BinaryOp(Backends.BinaryOp.Mul, neg.To(DType.Int64), (long)size, "index"), "index");
    }

    /// <summary>PyTorch's ensure_nonempty_dim/size: a 0-d tensor counts as 1-D of size 1.</summary>
    private static Layout NonEmptyDims(Layout l) => l.Rank == 0 ? new Layout([1], [1], l.Offset) : l;

    /// <summary>Refuses an index outside [0, size) with PyTorch's message.</summary>
    private void CheckIndexRange(Tensor index, Layout indexLayout, int size, int dim, string op)
    {
        if (Backend.FirstIndexOutOfRange(index.Storage, indexLayout, 0, size) is { } bad)
            throw new ArgumentOutOfRangeException(nameof(index), $"{op}: index {bad} is out of bounds for dimension {dim} with size {size}.");
    }

    /// <summary>Checks a 1-D or 0-d int64/int32 index for index_select and returns it as int64.</summary>
    private static Tensor CheckVectorIndex(Tensor index, string op)
    {
        if (index.NDim > 1)
            throw new ArgumentException($"{op}: Index is supposed to be a vector, but got shape {index.Shape}.", nameof(index));
        if (index.DType is not (DType.Int64 or DType.Int32))
            throw new ArgumentException($"{op}: Expected dtype int32 or int64 for index, but got {index.DType.TorchName()}.", nameof(index));
        return index.AsType(DType.Int64);
    }

    /// <summary>A 1-D index laid along <paramref name="dim"/> of <paramref name="shape"/> (stride 0 elsewhere), so the gather/scatter walks reuse it.</summary>
    private static Layout VectorIndexAlong(Tensor index, int[] shape, int dim)
    {
        var st = new int[shape.Length];
        st[dim] = index.NDim == 0 ? 0 : index.Layout.Strides[0];
        return new Layout(shape, st, index.Layout.Offset);
    }
}
