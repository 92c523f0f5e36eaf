using Ember.Jit;
using Ember.Backends;

namespace Ember;

/// <summary>
/// Two tensors returned together by <c>Max(dim)</c>, <c>Min(dim)</c>, <c>Sort</c> and <c>TopK</c>, as
/// PyTorch's <c>torch.return_types</c>: the values and their int64 positions along the reduced or
/// sorted dim. Deconstructs: <c>var (values, indices) = x.Max(1);</c>
/// </summary>
/// <param name="Values">The selected or sorted values.</param>
/// <param name="Indices">Their positions (int64) along the dim.</param>
public readonly record struct ValuesIndices(Tensor Values, Tensor Indices);

// Reductions (sum, mean, prod, max/min, arg ops, var/std, logsumexp, norm, all/any) and scans.
// Every reduction goes through ReduceCore: dims are wrapped and checked at this surface, the backend
// reduces into a keepdim-shaped output, and keepDim=false is a free re-view of that output.
public partial class Tensor
{
    // ---- shared machinery ----

    /// <summary>PyTorch's ScalarType name (<c>Long</c>, <c>Float</c>, ...) as its messages use it.</summary>
    internal static string ScalarTypeName(DType t) => t switch
    {
        DType.Float32 => "Float", DType.Float64 => "Double", DType.Int64 => "Long", DType.Int32 => "Int",
        DType.UInt8 => "Byte", DType.Bool => "Bool", _ => t.ToString(),
    };

    /// <summary>
    /// The axes a reduction covers: null or an empty list means every dim (PyTorch 1.13 treats
    /// <c>dim=[]</c> as "all dims" for sum, mean, amax, var, ...). A 0-d tensor accepts dim 0 / -1
    /// and has nothing to reduce.
    /// </summary>
    internal int[] ReductionAxes(ReadOnlySpan<int> dims, bool allIfEmpty, string op)
    {
        if (dims.Length == 0 && allIfEmpty) return Enumerable.Range(0, NDim).ToArray();
        var axes = Dims.WrapMany(dims, NDim, op);
        return NDim == 0 ? [] : axes;
    }

    /// <summary>Number of elements one output of a reduction over <paramref name="axes"/> combines.</summary>
    internal long ReducedCount(int[] axes)
    {
        long n = 1;
        foreach (int a in axes) n *= Layout.Shape[a];
        return n;
    }

    /// <summary>Runs a backend reduction over already-checked axes and shapes the result.</summary>
    internal Tensor ReduceCore(ReduceOp op, int[] axes, bool keepDim)
    {
        var keep = (int[])Layout.Shape.Clone();
        foreach (int a in axes) keep[a] = 1;
        var outT = Alloc(keep, ReduceOps.ResultType(op, DType), Device);
        Backend.Reduce(op, Storage, Layout, axes, outT.Storage, outT.Layout);
        return keepDim ? outT : outT.DropAxes(axes);
    }

    /// <summary>
    /// A freshly allocated contiguous tensor re-viewed without the given size-1 axes (no copy). The
    /// result is not marked as a view: its base is a temporary no caller sees, and autograd must treat
    /// the result as owning its storage (an in-place op on it rewrites its own history, not the temporary's).
    /// </summary>
    private Tensor DropAxes(int[] axes)
    {
        if (axes.Length == 0) return this;
        var shape = new List<int>(NDim);
        for (int i = 0; i < NDim; i++) if (Array.IndexOf(axes, i) < 0) shape.Add(Layout.Shape[i]);
        return new Tensor(Storage, Layout.Contiguous(shape.ToArray()).WithOffset(Layout.Offset));
    }

    /// <summary>The same elements, not marked as a view: for results whose base is an internal temporary (see <see cref="DropAxes"/>).</summary>
    private Tensor AsOwner() => ViewBase is null ? this : new Tensor(Storage, Layout);

    /// <summary>Refuses max/min-like reductions over a dim of size 0, which have no identity (PyTorch's wording).</summary>
    private void CheckNonEmptyAxes(int[] axes, string op)
    {
        foreach (int a in axes)
            if (Layout.Shape[a] == 0)
                throw new ArgumentException($"{op}(): Expected reduction dim {a} to have non-zero size (input shape {Shape}).");
    }

    private void CheckNotEmptyWithoutDim(string op, string extra)
    {
        if (Layout.NumElements == 0)
            throw new ArgumentException($"{op}(): Expected reduction dim to be specified for input.numel() == 0 (input shape {Shape}).{extra}");
    }

    private void CheckFloating(string op, string what)
    {
        if (!DType.IsFloatingPoint())
            throw new ArgumentException($"{op}: {what} Got {ScalarTypeName(DType)} ({DType.TorchName()}) instead.");
    }

    /// <summary>The dtype sum/prod/cumsum accumulate in: the one asked for, else int64 for integers and bool (as PyTorch), else the input's.</summary>
    private DType SumType(DType? dtype) => dtype ?? (DType.IsFloatingPoint() ? DType : DType.Int64);

    private Tensor SumCore(ReadOnlySpan<int> dims, bool all, bool keepDim, DType? dtype, string op, Graph.Rule rule)
    {
        var axes = ReductionAxes(dims, all, op);
        Tensor r;
        using (Autograd.NoGrad()) r = AsType(SumType(dtype)).ReduceCore(ReduceOp.Sum, axes, keepDim);
        // The engine casts the gradient back to this tensor's dtype when dtype converted it.
        if (Autograd.Recording(this)) rule.Record(r, [this], state: new Derivatives.AxesState(axes, keepDim));
        return r;
    }

    // ---- sum, mean, prod ----

    /// <summary>
    /// Sum of all elements (<c>x.sum()</c>). Integer and bool tensors sum to int64, as PyTorch;
    /// <paramref name="dtype"/> converts the input first. float32 sums accumulate in float64 blocks, so
    /// long sums stay accurate.
    /// </summary>
    public Tensor Sum(DType? dtype = null) =>
        Tracer.IsActive ? Tracer.Record("aten::sum", [this], new Attributes().Set("dtype", dtype), static (x, a) => [x[0]!.Sum(a["dtype"] as DType?)]) : SumCore([], true, false, dtype, "sum", Derivatives.Sum);

    /// <summary>Sum over one dim (<c>x.sum(dim, keepdim)</c>); negative dims count from the end.</summary>
    public Tensor Sum(int dim, bool keepDim = false, DType? dtype = null) =>
        Tracer.IsActive ? Tracer.Record("aten::sum", [this], new Attributes().Set("dim", dim).Set("keepdim", keepDim).Set("dtype", dtype),
            static (x, a) => [x[0]!.Sum(a.Int("dim"), a.Bool("keepdim"), a["dtype"] as DType?)]) : SumCore([dim], false, keepDim, dtype, "sum", Derivatives.SumDims);

    /// <summary>Sum over several dims (<c>x.sum((0, 2))</c>). An empty list sums over every dim, as PyTorch 1.13.</summary>
    public Tensor Sum(int[] dims, bool keepDim = false, DType? dtype = null)
    {
        ArgumentNullException.ThrowIfNull(dims);
        if (Tracer.IsActive)
            return Tracer.Record("aten::sum", [this], new Attributes().Set("dim", (int[])dims.Clone()).Set("keepdim", keepDim).Set("dtype", dtype),
                static (x, a) => [x[0]!.Sum(a.Ints("dim"), a.Bool("keepdim"), a["dtype"] as DType?)]);
        return SumCore(dims, true, keepDim, dtype, "sum", Derivatives.SumDims);
    }

    private Tensor MeanCore(ReadOnlySpan<int> dims, bool all, bool keepDim, DType? dtype, Graph.Rule rule)
    {
        if (dtype is { } d && !d.IsFloatingPoint())
            throw new ArgumentException($"mean(): could not infer output dtype. Optional dtype must be either a floating point or complex dtype. Got: {ScalarTypeName(d)}");
        if (dtype is null && !DType.IsFloatingPoint())
            throw new ArgumentException($"mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: {ScalarTypeName(DType)}");
        var axes = ReductionAxes(dims, all, "mean");
        Tensor r;
        using (Autograd.NoGrad())
        {
            var x = AsType(dtype ?? DType);
            var sum = x.ReduceCore(ReduceOp.Sum, axes, keepDim);
            // An empty reduction divides 0 by 0: NaN, as PyTorch.
            r = BinaryOp(Backends.BinaryOp.Div, sum, ScalarTensor((double)x.ReducedCount(axes), sum.DType, Device), sum.DType, "mean");
        }
        if (Autograd.Recording(this)) rule.Record(r, [this], state: new Derivatives.AxesState(axes, keepDim));
        return r;
    }

    /// <summary>
    /// Mean of all elements (<c>x.mean()</c>). Integer inputs are refused unless a floating
    /// <paramref name="dtype"/> is given, as PyTorch ("could not infer output dtype"). The mean of no
    /// elements is NaN.
    /// </summary>
    public Tensor Mean(DType? dtype = null) =>
        Tracer.IsActive ? Tracer.Record("aten::mean", [this], new Attributes().Set("dtype", dtype), static (x, a) => [x[0]!.Mean(a["dtype"] as DType?)]) : MeanCore([], true, false, dtype, Derivatives.Mean);

    /// <summary>Mean over one dim (<c>x.mean(dim, keepdim)</c>).</summary>
    public Tensor Mean(int dim, bool keepDim = false, DType? dtype = null) =>
        Tracer.IsActive ? Tracer.Record("aten::mean", [this], new Attributes().Set("dim", dim).Set("keepdim", keepDim).Set("dtype", dtype),
            static (x, a) => [x[0]!.Mean(a.Int("dim"), a.Bool("keepdim"), a["dtype"] as DType?)]) : MeanCore([dim], false, keepDim, dtype, Derivatives.MeanDims);

    /// <summary>Mean over several dims; an empty list means every dim, as PyTorch 1.13.</summary>
    public Tensor Mean(int[] dims, bool keepDim = false, DType? dtype = null)
    {
        ArgumentNullException.ThrowIfNull(dims);
        if (Tracer.IsActive)
            return Tracer.Record("aten::mean", [this], new Attributes().Set("dim", (int[])dims.Clone()).Set("keepdim", keepDim).Set("dtype", dtype),
                static (x, a) => [x[0]!.Mean(a.Ints("dim"), a.Bool("keepdim"), a["dtype"] as DType?)]);
        return MeanCore(dims, true, keepDim, dtype, Derivatives.MeanDims);
    }

    /// <summary>
    /// Product of all elements (<c>x.prod()</c>); integers and bool give int64. The product of no elements
    /// is 1. Its gradient is the product of the other elements, computed without dividing when the input
    /// holds zeros (so a lone zero gets the product of the rest and several zeros give zero gradients), as PyTorch.
    /// </summary>
    public Tensor Prod(DType? dtype = null)
    {
        Tensor r;
        using (Autograd.NoGrad()) r = AsType(SumType(dtype)).ReduceCore(ReduceOp.Prod, ReductionAxes([], true, "prod"), false);
        if (Autograd.Recording(this)) Derivatives.Prod.Record(r, [this], saved: [this, r]);
        return r;
    }

    /// <summary>Product over one dim (<c>x.prod(dim, keepdim)</c>).</summary>
    public Tensor Prod(int dim, bool keepDim = false, DType? dtype = null)
    {
        var axes = ReductionAxes([dim], false, "prod");
        Tensor r;
        using (Autograd.NoGrad()) r = AsType(SumType(dtype)).ReduceCore(ReduceOp.Prod, axes, keepDim);
        if (Autograd.Recording(this)) Derivatives.ProdDim.Record(r, [this], saved: [this, r], state: new Derivatives.AxisState(axes.Length == 0 ? 0 : axes[0], keepDim));
        return r;
    }

    // ---- max, min and their arg forms ----

    /// <summary>
    /// The largest element (<c>x.max()</c>), a 0-d tensor; NaN if any element is NaN. Refuses an empty
    /// tensor, as PyTorch. Its gradient is split evenly among all elements equal to the maximum (or
    /// among the NaNs), as PyTorch's; <see cref="Max(int, bool)"/> instead sends it to the one reported index.
    /// </summary>
    public Tensor Max()
    {
        CheckNotEmptyWithoutDim("max", " Specify the reduction dim with the 'dim' argument.");
        var r = ReduceCore(ReduceOp.Max, ReductionAxes([], true, "max"), false);
        if (Autograd.Recording(this)) Derivatives.MaxAll.Record(r, [this], saved: [this, r]);
        return r;
    }

    /// <summary>The smallest element (<c>x.min()</c>), a 0-d tensor; NaN if any element is NaN. The gradient is split evenly among ties, as for <see cref="Max()"/>.</summary>
    public Tensor Min()
    {
        CheckNotEmptyWithoutDim("min", " Specify the reduction dim with the 'dim' argument.");
        var r = ReduceCore(ReduceOp.Min, ReductionAxes([], true, "min"), false);
        if (Autograd.Recording(this)) Derivatives.MinAll.Record(r, [this], saved: [this, r]);
        return r;
    }

    private ValuesIndices MaxMinDim(int dim, bool keepDim, bool max)
    {
        string op = max ? "max" : "min";
        var axes = ReductionAxes([dim], false, op);
        CheckNonEmptyAxes(axes, op);
        var values = ReduceCore(max ? ReduceOp.Max : ReduceOp.Min, axes, keepDim);
        var indices = ReduceCore(max ? ReduceOp.ArgMax : ReduceOp.ArgMin, axes, keepDim);
        if (Autograd.Recording(this))
            (max ? Derivatives.MaxDim : Derivatives.MinDim).Record(values, [this], saved: [indices], state: new Derivatives.AxisState(axes.Length == 0 ? 0 : axes[0], keepDim));
        return new ValuesIndices(values, indices);
    }

    /// <summary>
    /// Largest values along a dim and where they are (<c>x.max(dim, keepdim)</c>). Ties give the first
    /// position; a NaN wins and its (first) position is reported, as PyTorch on the CPU.
    /// </summary>
    public ValuesIndices Max(int dim, bool keepDim = false) => MaxMinDim(dim, keepDim, true);

    /// <summary>Smallest values along a dim and their first positions (<c>x.min(dim, keepdim)</c>); NaN wins.</summary>
    public ValuesIndices Min(int dim, bool keepDim = false) => MaxMinDim(dim, keepDim, false);

    private Tensor AmaxAmin(ReadOnlySpan<int> dims, bool keepDim, bool max)
    {
        string op = max ? "amax" : "amin";
        var axes = ReductionAxes(dims, true, op);
        CheckNonEmptyAxes(axes, op);
        var r = ReduceCore(max ? ReduceOp.Max : ReduceOp.Min, axes, keepDim);
        if (Autograd.Recording(this)) (max ? Derivatives.Amax : Derivatives.Amin).Record(r, [this], saved: [this, r], state: new Derivatives.AxesState(axes, keepDim));
        return r;
    }

    /// <summary>Largest values over several dims, without indices (<c>torch.amax</c>); an empty list means every dim. NaN propagates. The gradient is split evenly among the ties of each slice.</summary>
    public Tensor Amax(int[] dims, bool keepDim = false) { ArgumentNullException.ThrowIfNull(dims); return AmaxAmin(dims, keepDim, true); }

    /// <summary>Largest values over one dim (<c>torch.amax(x, dim)</c>).</summary>
    public Tensor Amax(int dim, bool keepDim = false) => AmaxAmin([dim], keepDim, true);

    /// <summary>Smallest values over several dims (<c>torch.amin</c>); an empty list means every dim. NaN propagates.</summary>
    public Tensor Amin(int[] dims, bool keepDim = false) { ArgumentNullException.ThrowIfNull(dims); return AmaxAmin(dims, keepDim, false); }

    /// <summary>Smallest values over one dim (<c>torch.amin(x, dim)</c>).</summary>
    public Tensor Amin(int dim, bool keepDim = false) => AmaxAmin([dim], keepDim, false);

    private Tensor ArgCore(int? dim, bool keepDim, bool max)
    {
        string op = max ? "argmax" : "argmin";
        if (DType == DType.Bool)
            throw new ArgumentException($"{op}: \"{op}_cpu\" not implemented for 'Bool' (as PyTorch); convert the tensor to an integer type first.");
        if (dim is null)
        {
            CheckNotEmptyWithoutDim(op, "");
            // Over the flattened tensor: the row-major index over all dims is the flat index.
            var all = ReduceCore(max ? ReduceOp.ArgMax : ReduceOp.ArgMin, ReductionAxes([], true, op), keepDim);
            return all;
        }
        var axes = ReductionAxes([dim.Value], false, op);
        CheckNonEmptyAxes(axes, op);
        return ReduceCore(max ? ReduceOp.ArgMax : ReduceOp.ArgMin, axes, keepDim);
    }

    /// <summary>Flat index of the first largest element, or of the first NaN (<c>x.argmax()</c>).</summary>
    public Tensor ArgMax() => ArgCore(null, false, true);

    /// <summary>Position of the first largest element (or first NaN) along a dim (<c>x.argmax(dim, keepdim)</c>).</summary>
    public Tensor ArgMax(int dim, bool keepDim = false) => ArgCore(dim, keepDim, true);

    /// <summary>Flat index of the first smallest element, or of the first NaN (<c>x.argmin()</c>).</summary>
    public Tensor ArgMin() => ArgCore(null, false, false);

    /// <summary>Position of the first smallest element (or first NaN) along a dim (<c>x.argmin(dim, keepdim)</c>).</summary>
    public Tensor ArgMin(int dim, bool keepDim = false) => ArgCore(dim, keepDim, false);

    // ---- all / any ----

    /// <summary>True when every element is non-zero (<c>x.all()</c>); NaN counts as non-zero. The result is bool (uint8 for a uint8 input, as PyTorch 1.13).</summary>
    public Tensor All() => ReduceCore(ReduceOp.All, ReductionAxes([], true, "all"), false);

    /// <summary>Whether every element along a dim is non-zero (<c>x.all(dim, keepdim)</c>); true over an empty dim.</summary>
    public Tensor All(int dim, bool keepDim = false) => ReduceCore(ReduceOp.All, ReductionAxes([dim], false, "all"), keepDim);

    /// <summary>True when some element is non-zero (<c>x.any()</c>). The result is bool (uint8 for a uint8 input).</summary>
    public Tensor Any() => ReduceCore(ReduceOp.Any, ReductionAxes([], true, "any"), false);

    /// <summary>Whether some element along a dim is non-zero (<c>x.any(dim, keepdim)</c>); false over an empty dim.</summary>
    public Tensor Any(int dim, bool keepDim = false) => ReduceCore(ReduceOp.Any, ReductionAxes([dim], false, "any"), keepDim);

    // ---- var, std ----

    private Tensor VarCore(ReadOnlySpan<int> dims, double correction, bool keepDim, string op)
    {
        if (!DType.IsFloatingPoint())
            throw new ArgumentException($"{op}: std and var only support floating point and complex dtypes; got {DType.TorchName()}.");
        var axes = ReductionAxes(dims, true, op);
        // Two passes (mean, then squared deviations) rather than one-pass sums of squares, which cancel
        // badly; float32 sums accumulate in float64, so float32 inputs stay accurate without a copy.
        DType t = DType;
        long n = ReducedCount(axes);
        var mean = BinaryOp(Backends.BinaryOp.Div, ReduceCore(ReduceOp.Sum, axes, true), ScalarTensor((double)n, t, Device), t, op);
        var dev = BinaryOp(Backends.BinaryOp.Sub, this, mean, t, op);
        var ss = BinaryOp(Backends.BinaryOp.Mul, dev, dev, t, op).ReduceCore(ReduceOp.Sum, axes, keepDim);
        // Divisor max(0, n - correction), as PyTorch: 0 gives inf (or NaN for 0/0), never a negative variance.
        double divisor = Math.Max(0, n - correction);
        return BinaryOp(Backends.BinaryOp.Div, ss, ScalarTensor(divisor, t, Device), t, op);
    }

    /// <summary>
    /// Variance over <paramref name="dims"/> (null or empty: all elements), dividing the sum of squared
    /// deviations by <c>max(0, N - correction)</c> (<c>x.var(dims, correction=1, keepdim)</c>); correction 1 is
    /// Bessel's (unbiased), 0 the population variance. Floating-point inputs only.
    /// </summary>
    public Tensor Var(int[]? dims = null, double correction = 1, bool keepDim = false) => VarStd(dims ?? [], correction, keepDim, std: false);

    /// <summary>Variance over one dim (<c>x.var(dim)</c>).</summary>
    public Tensor Var(int dim, double correction = 1, bool keepDim = false) => VarStd([dim], correction, keepDim, std: false);

    /// <summary>Standard deviation, the square root of <see cref="Var(int[], double, bool)"/> (<c>x.std(dims, correction=1, keepdim)</c>).</summary>
    public Tensor Std(int[]? dims = null, double correction = 1, bool keepDim = false) => VarStd(dims ?? [], correction, keepDim, std: true);

    /// <summary>Standard deviation over one dim (<c>x.std(dim)</c>).</summary>
    public Tensor Std(int dim, double correction = 1, bool keepDim = false) => VarStd([dim], correction, keepDim, std: true);

    /// <summary>var or std, recorded as one node (VarBackward0 / StdBackward0): the kernels underneath record nothing.</summary>
    private Tensor VarStd(ReadOnlySpan<int> dims, double correction, bool keepDim, bool std)
    {
        var r = VarCore(dims, correction, keepDim, std ? "std" : "var");
        if (std) r = r.UnaryOp(Backends.UnaryOp.Sqrt);
        if (Autograd.Recording(this))
        {
            var state = new Derivatives.VarState(ReductionAxes(dims, true, std ? "std" : "var"), correction, keepDim);
            if (std) Derivatives.Std.Record(r, [this], saved: [this, r], state: state);
            else Derivatives.Var.Record(r, [this], saved: [this], state: state);
        }
        return r;
    }

    // ---- logsumexp, norm ----

    /// <summary>
    /// <c>log(sum(exp(x)))</c> over <paramref name="dims"/> (empty: all), computed stably by shifting with
    /// the maximum (<c>torch.logsumexp</c>). An infinite maximum is not subtracted (PyTorch replaces it by
    /// 0), so rows holding +inf give +inf, all -inf rows give -inf and NaN propagates; over no elements
    /// the result is -inf. Integer inputs compute in the default float dtype, as PyTorch.
    /// </summary>
    public Tensor LogSumExp(int[] dims, bool keepDim = false)
    {
        ArgumentNullException.ThrowIfNull(dims);
        var axes = ReductionAxes(dims, true, "logsumexp");
        Tensor r;
        using (Autograd.NoGrad()) r = LogSumExpCore(axes, keepDim);
        if (Autograd.Recording(this)) Derivatives.LogSumExp.Record(r, [this], saved: [this, r], state: new Derivatives.AxesState(axes, keepDim));
        return r;
    }

    private Tensor LogSumExpCore(int[] axes, bool keepDim)
    {
        var x = AsType(DType.ToFloating());
        DType t = x.DType;
        if (x.Layout.NumElements == 0)
            return x.UnaryOp(Backends.UnaryOp.Exp).ReduceCore(ReduceOp.Sum, axes, keepDim).UnaryOp(Backends.UnaryOp.Log);
        var m = x.ReduceCore(ReduceOp.Max, axes, true);
        // Clamping the max to the finite range gives the same results as PyTorch's "use 0 when infinite".
        double big = t == DType.Float32 ? float.MaxValue : double.MaxValue;
        m = BinaryOp(Backends.BinaryOp.Minimum, BinaryOp(Backends.BinaryOp.Maximum, m, ScalarTensor(-big, t, Device), t, "logsumexp"), ScalarTensor(big, t, Device), t, "logsumexp");
        var e = BinaryOp(Backends.BinaryOp.Sub, x, m, t, "logsumexp").UnaryOp(Backends.UnaryOp.Exp);
        var r = BinaryOp(Backends.BinaryOp.Add, e.ReduceCore(ReduceOp.Sum, axes, true).UnaryOp(Backends.UnaryOp.Log), m, t, "logsumexp");
        return keepDim ? r : r.DropAxes(axes);
    }

    /// <summary>log-sum-exp over one dim (<c>torch.logsumexp(x, dim)</c>).</summary>
    public Tensor LogSumExp(int dim, bool keepDim = false) => LogSumExp([dim], keepDim);

    /// <summary>
    /// The vector p-norm over <paramref name="dims"/> (null or empty: all elements, i.e. the Frobenius
    /// norm for p = 2), as <c>x.norm(p, dim, keepdim)</c> / <c>torch.linalg.vector_norm</c>:
    /// p = 2 is <c>sqrt(sum(x²))</c>, 1 is <c>sum|x|</c>, +inf is <c>max|x|</c>, -inf is <c>min|x|</c>, 0 counts the
    /// non-zero elements, any other p is <c>(sum|x|^p)^(1/p)</c>. Over no elements every norm is 0.
    /// Floating-point inputs only. Gradients follow PyTorch: 0 where the norm is 0 (p ≥ 1), split among
    /// ties for ±inf, and none at all for p = 0 (the input's <c>Grad</c> stays null).
    /// </summary>
    public Tensor Norm(double p = 2, int[]? dims = null, bool keepDim = false)
    {
        CheckFloating("norm", "input dtype should be either floating point or complex.");
        var axes = ReductionAxes(dims ?? [], true, "norm");
        var r = NormCore(p, axes, keepDim);
        if (Autograd.Recording(this)) Derivatives.Norm.Record(r, [this], saved: [this, r], state: new Derivatives.NormState(p, axes, keepDim));
        return r;
    }

    private Tensor NormCore(double p, int[] axes, bool keepDim)
    {
        DType t = DType;
        if (ReducedCount(axes) == 0)
        {
            var z = ReduceCore(ReduceOp.Sum, axes, keepDim); // zeros of the output shape
            return z;
        }
        if (p == 2 && axes.Length == NDim && Layout.IsContiguous && t is DType.Float32 or DType.Float64)
        {
            // The whole tensor's 2-norm (clip_grad_norm_ over large gradients) in one pass, without |x| and x² temporaries.
            var sum = Alloc(keepDim ? Enumerable.Repeat(1, NDim).ToArray() : [], t, Device, uninitialized: true, "norm");
            Backend.SumOfSquares(Storage, Layout, sum.Storage, sum.Layout);
            return sum.UnaryOp(Backends.UnaryOp.Sqrt);
        }
        var a = UnaryOp(Backends.UnaryOp.Abs);
        if (double.IsPositiveInfinity(p)) return a.ReduceCore(ReduceOp.Max, axes, keepDim);
        if (double.IsNegativeInfinity(p)) return a.ReduceCore(ReduceOp.Min, axes, keepDim);
        if (p == 0) return BinaryOp(Backends.BinaryOp.Ne, this, ScalarTensor(0, t, Device), t, "norm").AsType(t).ReduceCore(ReduceOp.Sum, axes, keepDim);
        if (p == 1) return a.ReduceCore(ReduceOp.Sum, axes, keepDim);
        if (p == 2) return BinaryOp(Backends.BinaryOp.Mul, a, a, t, "norm").ReduceCore(ReduceOp.Sum, axes, keepDim).UnaryOp(Backends.UnaryOp.Sqrt);
        var s = BinaryOp(Backends.BinaryOp.Pow, a, ScalarTensor(p, t, Device), t, "norm").ReduceCore(ReduceOp.Sum, axes, keepDim);
        return BinaryOp(Backends.BinaryOp.Pow, s, ScalarTensor(1.0 / p, t, Device), t, "norm");
    }

    /// <summary>The vector p-norm over one dim (<c>x.norm(p, dim)</c>).</summary>
    public Tensor Norm(double p, int dim, bool keepDim = false) => Norm(p, [dim], keepDim);

    // ---- scans ----

    private Tensor ScanCore(ScanOp op, int dim, DType? dtype, string name)
    {
        int axis = Dims.Wrap(dim, NDim, name);
        Tensor outT;
        using (Autograd.NoGrad())
        {
            var x = AsType(SumType(dtype));
            outT = Alloc(x.Layout.Shape, x.DType, Device);
            Backend.Scan(op, x.Storage, x.Layout, axis, outT.Storage, outT.Layout);
        }
        if (Autograd.Recording(this))
        {
            var state = new Derivatives.AxisState(axis, true);
            if (op == ScanOp.Sum) Derivatives.CumSum.Record(outT, [this], state: state);
            else Derivatives.CumProd.Record(outT, [this], saved: [this, outT], state: state);
        }
        return outT;
    }

    /// <summary>
    /// Running sum along a dim (<c>x.cumsum(dim)</c>); integers and bool give int64, as PyTorch, and
    /// <paramref name="dtype"/> converts the input first. float32 accumulates in float64.
    /// </summary>
    public Tensor CumSum(int dim, DType? dtype = null) => ScanCore(ScanOp.Sum, dim, dtype, "cumsum");

    /// <summary>
    /// Running product along a dim (<c>x.cumprod(dim)</c>); integers and bool give int64. The gradient
    /// divides by the input only when it has no zeros; otherwise it uses products that leave each element
    /// out (PyTorch's differentiable form), so zeros get exact gradients.
    /// </summary>
    public Tensor CumProd(int dim, DType? dtype = null) => ScanCore(ScanOp.Prod, dim, dtype, "cumprod");
}
