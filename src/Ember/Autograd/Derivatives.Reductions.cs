using Ember.Graph;

namespace Ember;

// Reduction, scan and sort rows of the derivative table (PyTorch's formulas from derivatives.yaml and
// FunctionsManual.cpp: sum_backward, prod_backward, evenly_distribute_backward, scale_grad_by_count,
// value_selecting_reduction_backward, var_backward, std_backward, logsumexp_backward, norm_backward,
// cumprod_backward). The recorded input is always input 0, the reduced tensor.
internal static partial class Derivatives
{
    /// <summary>State of a reduction over <see cref="Axes"/> (already wrapped; empty for a 0-d input).</summary>
    internal sealed record AxesState(int[] Axes, bool KeepDim);

    /// <summary>State of a reduction, sort or scan along one (wrapped) axis.</summary>
    internal sealed record AxisState(int Axis, bool KeepDim);

    /// <summary>State of var/std: the axes, the correction subtracted from the count, keepdim.</summary>
    internal sealed record VarState(int[] Axes, double Correction, bool KeepDim);

    /// <summary>State of a p-norm.</summary>
    internal sealed record NormState(double P, int[] Axes, bool KeepDim);

    // ---- sum, mean ----

    /// <summary>x.sum() (SumBackward0): every element receives the output's gradient.</summary>
    public static readonly Rule Sum = new("SumBackward0", static (c, g) => [g[0].Expand(c.InputShape(0))]);

    /// <summary>x.sum(dims, keepdim) (SumBackward1).</summary>
    public static readonly Rule SumDims = new("SumBackward1", static (c, g) =>
    {
        var s = c.State<AxesState>();
        var shape = c.InputShape(0);
        return [Unreduce(g[0], shape, s.Axes, s.KeepDim).Expand(shape)];
    });

    /// <summary>x.mean() (MeanBackward0).</summary>
    public static readonly Rule Mean = new("MeanBackward0", static (c, g) =>
    {
        var shape = c.InputShape(0);
        return [g[0].Expand(shape) / (double)Count(shape, null)];
    });

    /// <summary>x.mean(dims, keepdim) (MeanBackward1).</summary>
    public static readonly Rule MeanDims = new("MeanBackward1", static (c, g) =>
    {
        var s = c.State<AxesState>();
        var shape = c.InputShape(0);
        return [Unreduce(g[0], shape, s.Axes, s.KeepDim).Expand(shape) / (double)Count(shape, s.Axes)];
    });

    // ---- prod ----

    /// <summary>
    /// x.prod() (ProdBackward0; saved: input, result). Without zeros the gradient is result / x; with
    /// zeros, PyTorch's prod_safe_zeros_backward (products of everything before and after each
    /// element, by exclusive cumprods), which gives the product of the others to a lone zero and
    /// zero everywhere when there are several zeros.
    /// </summary>
    public static readonly Rule Prod = new("ProdBackward0", static (c, g) =>
    {
        var x = c.Saved(0);
        if (x.NDim == 0) return [g[0]];
        if (!HasZero(x)) return [g[0] * (c.Saved(1) / x)];
        return [ProdSafeZeros(g[0], x.Reshape(-1), 0).Reshape(c.InputShape(0))];
    });

    /// <summary>x.prod(dim, keepdim) (ProdBackward1; saved: input, result). Zeros as <see cref="Prod"/>, per slice.</summary>
    public static readonly Rule ProdDim = new("ProdBackward1", static (c, g) =>
    {
        var s = c.State<AxisState>();
        var x = c.Saved(0);
        if (x.NDim == 0) return [g[0]];
        var gr = s.KeepDim ? g[0] : g[0].Unsqueeze(s.Axis);
        if (!HasZero(x))
        {
            var r = s.KeepDim ? c.Saved(1) : c.Saved(1).Unsqueeze(s.Axis);
            return [gr * (r / x)];
        }
        return [ProdSafeZeros(gr, x, s.Axis)];
    });

    // ---- max, min, median over all elements; amax, amin ----

    /// <summary>x.max() (MaxBackward1; saved: input, result): the gradient is split evenly among the elements equal to the maximum (or NaN when it is NaN).</summary>
    public static readonly Rule MaxAll = new("MaxBackward1", static (c, g) => [EvenlyDistribute(g[0], c.Saved(0), c.Saved(1))]);

    /// <summary>x.min() (MinBackward1; saved: input, result): as <see cref="MaxAll"/>.</summary>
    public static readonly Rule MinAll = new("MinBackward1", static (c, g) => [EvenlyDistribute(g[0], c.Saved(0), c.Saved(1))]);

    /// <summary>x.median() (MedianBackward0; saved: input, result): as <see cref="MaxAll"/>.</summary>
    public static readonly Rule MedianAll = new("MedianBackward0", static (c, g) => [EvenlyDistribute(g[0], c.Saved(0), c.Saved(1))]);

    /// <summary>torch.amax(x, dims, keepdim) (AmaxBackward0; saved: input, result): split evenly among ties in each slice.</summary>
    public static readonly Rule Amax = new("AmaxBackward0", static (c, g) => [ScaleGradByCount(c, g[0])]);

    /// <summary>torch.amin(x, dims, keepdim) (AminBackward0; saved: input, result).</summary>
    public static readonly Rule Amin = new("AminBackward0", static (c, g) => [ScaleGradByCount(c, g[0])]);

    // ---- value-selecting ops: the gradient goes to the returned index ----

    /// <summary>x.max(dim, keepdim).values (MaxBackward0; saved: indices).</summary>
    public static readonly Rule MaxDim = new("MaxBackward0", static (c, g) => [ValueSelecting(c, g[0])]);

    /// <summary>x.min(dim, keepdim).values (MinBackward0; saved: indices).</summary>
    public static readonly Rule MinDim = new("MinBackward0", static (c, g) => [ValueSelecting(c, g[0])]);

    /// <summary>x.median(dim, keepdim).values (MedianBackward1; saved: indices).</summary>
    public static readonly Rule MedianDim = new("MedianBackward1", static (c, g) => [ValueSelecting(c, g[0])]);

    /// <summary>x.sort(dim).values (SortBackward0; saved: indices).</summary>
    public static readonly Rule Sort = new("SortBackward0", static (c, g) => [ValueSelecting(c, g[0])]);

    /// <summary>x.topk(k, dim).values (TopkBackward0; saved: indices).</summary>
    public static readonly Rule TopK = new("TopkBackward0", static (c, g) => [ValueSelecting(c, g[0])]);

    // ---- var, std, logsumexp, norm ----

    /// <summary>x.var(dims, correction, keepdim) (VarBackward0; saved: input): 2 (x - mean) / (N - correction).</summary>
    public static readonly Rule Var = new("VarBackward0", static (c, g) =>
    {
        var s = c.State<VarState>();
        var x = c.Saved(0);
        return [VarBackward(Unreduce(g[0], c.InputShape(0), s.Axes, s.KeepDim), x, s.Axes, s.Correction)];
    });

    /// <summary>x.std(dims, correction, keepdim) (StdBackward0; saved: input, result): var's gradient times 1 / (2 std), 0 where std is 0.</summary>
    public static readonly Rule Std = new("StdBackward0", static (c, g) =>
    {
        var s = c.State<VarState>();
        var shape = c.InputShape(0);
        var r = Unreduce(c.Saved(1), shape, s.Axes, s.KeepDim);
        var gv = ZeroWhere(r.Eq(0), Unreduce(g[0], shape, s.Axes, s.KeepDim) / (r * 2.0));
        return [VarBackward(gv, c.Saved(0), s.Axes, s.Correction)];
    });

    /// <summary>torch.logsumexp(x, dims, keepdim) (LogsumexpBackward0; saved: input, result): g · exp(x - result).</summary>
    public static readonly Rule LogSumExp = new("LogsumexpBackward0", static (c, g) =>
    {
        var s = c.State<AxesState>();
        var shape = c.InputShape(0);
        return [Unreduce(g[0], shape, s.Axes, s.KeepDim) * (c.Saved(0) - Unreduce(c.Saved(1), shape, s.Axes, s.KeepDim)).Exp()];
    });

    /// <summary>
    /// x.norm(p, dims, keepdim) (NormBackward1; saved: input, result), PyTorch's norm_backward: p = 0 has
    /// no gradient; p = 1 is sign(x); p = 2 is x / norm, 0 where the norm is 0; ±inf splits the gradient
    /// evenly among the elements whose |x| equals the norm; other p is sign(x) |x|^(p-1) / norm^(p-1),
    /// 0 where the norm is 0 (for p &lt; 1: 0 where x is 0).
    /// </summary>
    public static readonly Rule Norm = new("NormBackward1", static (c, g) =>
    {
        var s = c.State<NormState>();
        var shape = c.InputShape(0);
        double p = s.P;
        var x = c.Saved(0);
        if (p == 0) return [null];
        var gr = Unreduce(g[0], shape, s.Axes, s.KeepDim);
        var norm = Unreduce(c.Saved(1), shape, s.Axes, s.KeepDim);
        if (p == 1) return [x.Sign() * gr];
        if (p == 2) return [gr * ZeroWhere(norm.Eq(0), x / norm)];
        if (double.IsInfinity(p))
        {
            var xa = x.Abs();
            var mask = xa.Eq(norm).LogicalOr(xa.IsNan());
            return [x.Sign() * (gr / mask.Sum(s.Axes, keepDim: true) * mask)];
        }
        if (p < 1)
        {
            var scaled = x.Sign() * ZeroWhere(x.Eq(0), x.Abs().Pow(p - 1));
            return [scaled * gr * norm.Pow(1 - p)];
        }
        var selfScaled = p < 2 ? x.Sign() * x.Abs().Pow(p - 1) : x * x.Abs().Pow(p - 2);
        var scale = ZeroWhere(norm.Eq(0), gr / norm.Pow(p - 1));
        return [selfScaled * scale];
    });

    // ---- scans ----

    /// <summary>x.cumsum(dim) (CumsumBackward0): the reversed cumulative sum of the gradient.</summary>
    public static readonly Rule CumSum = new("CumsumBackward0", static (c, g) =>
    {
        int axis = c.State<AxisState>().Axis;
        var gr = g[0];
        if (gr.NDim == 0 || gr.Numel() <= 1 || gr.Layout.Shape[axis] == 1) return [gr];
        return [ReversedCumSum(gr, axis)];
    });

    /// <summary>
    /// x.cumprod(dim) (CumprodBackward0; saved: input, result). Without zeros in the input:
    /// reversed_cumsum(result · g) / x. With zeros, PyTorch's differentiable O(n²) form: for each
    /// position k, the sum over i ≥ k of g[i] times the product of x[0..i] without x[k], built from
    /// prods and cumprods of the slices before and after k, so zeros need no division.
    /// </summary>
    public static readonly Rule CumProd = new("CumprodBackward0", static (c, g) =>
    {
        int axis = c.State<AxisState>().Axis;
        var x = c.Saved(0);
        var gr = g[0];
        if (x.Numel() <= 1) return [gr];
        int n = x.Layout.Shape[axis];
        if (n == 1) return [gr];
        if (!HasZero(x)) return [ReversedCumSum(c.Saved(1) * gr, axis) / x];
        var parts = new Tensor[n];
        for (int k = 0; k < n; k++)
        {
            Tensor omitted;   // shape of x.narrow(axis, k, n - k): prod of x[0..i] without x[k], for i = k..n-1
            if (k == 0)
            {
                var onesShape = (int[])x.Layout.Shape.Clone();
                onesShape[axis] = 1;
                omitted = Tensor.Cat([Tensor.Ones(onesShape, x.DType, x.Device), x.Narrow(axis, 1, n - 1).CumProd(axis)], axis);
            }
            else if (k == n - 1)
                omitted = x.Narrow(axis, 0, k).Prod(axis, keepDim: true);
            else
            {
                var until = x.Narrow(axis, 0, k).Prod(axis, keepDim: true);
                omitted = Tensor.Cat([until, until * x.Narrow(axis, k + 1, n - k - 1).CumProd(axis)], axis);
            }
            parts[k] = (gr.Narrow(axis, k, n - k) * omitted).Sum(axis, keepDim: true);
        }
        return [Tensor.Cat(parts, axis)];
    });

    // ---- helpers (public tensor ops only, so the formulas stay differentiable) ----

    /// <summary>PyTorch's unsqueeze_multiple / restore_reduced_dims: gives a reduced tensor its size-1 dims back.</summary>
    private static Tensor Unreduce(Tensor t, int[] inputShape, int[] axes, bool keepDim)
    {
        if (keepDim || inputShape.Length == 0 || axes.Length == 0) return t;
        var keep = (int[])inputShape.Clone();
        foreach (int a in axes) keep[a] = 1;
        return t.Reshape(keep);
    }

    private static long Count(int[] shape, int[]? axes)
    {
        long n = 1;
        if (axes is null) foreach (int s in shape) n *= s;
        else foreach (int a in axes) n *= shape[a];
        return n;
    }

    /// <summary>Whether any element is 0: prod and cumprod pick their formula by it, as PyTorch does.</summary>
    private static bool HasZero(Tensor x)
    {
        using (Autograd.NoGrad()) return x.Eq(0.0).Any().Item<bool>();
    }

    /// <summary>PyTorch's masked_fill_(mask, 0), written with where (a pointwise op) so that second derivatives need only pointwise rows.</summary>
    private static Tensor ZeroWhere(Tensor mask, Tensor t) => Tensor.Where(mask, 0.0, t);

    private static Tensor ReversedCumSum(Tensor t, int axis) => t.Flip(axis).CumSum(axis).Flip(axis);

    /// <summary>PyTorch's prod_safe_zeros_backward: grad · (exclusive cumprod from the front) · (exclusive cumprod from the back).</summary>
    private static Tensor ProdSafeZeros(Tensor grad, Tensor inp, int axis)
    {
        if (inp.Numel() == 0) return grad.ExpandAs(inp);
        int n = inp.Layout.Shape[axis];
        var onesShape = (int[])inp.Layout.Shape.Clone();
        onesShape[axis] = 1;
        var ones = Tensor.Ones(onesShape, inp.DType, inp.Device);
        var front = Tensor.Cat([ones, inp.Narrow(axis, 0, n - 1)], axis).CumProd(axis);
        var back = Tensor.Cat([ones, inp.Narrow(axis, 1, n - 1).Flip(axis)], axis).CumProd(axis).Flip(axis);
        return grad * (front * back);
    }

    /// <summary>PyTorch's evenly_distribute_backward: the gradient split among the elements equal to the selected value (or NaN, when it is NaN).</summary>
    private static Tensor EvenlyDistribute(Tensor grad, Tensor input, Tensor value)
    {
        var mask = input.Eq(value).LogicalOr(input.IsNan().LogicalAnd(value.IsNan()));
        return mask * (grad / mask.Sum());
    }

    /// <summary>PyTorch's amax/amin backward (scale_grad_by_count): the gradient split among the ties of each slice.</summary>
    private static Tensor ScaleGradByCount(BackwardContext c, Tensor grad)
    {
        var s = c.State<AxesState>();
        var shape = c.InputShape(0);
        var mask = Unreduce(c.Saved(1), shape, s.Axes, s.KeepDim).Eq(c.Saved(0));
        return Unreduce(grad, shape, s.Axes, s.KeepDim) / mask.Sum(s.Axes, keepDim: true) * mask;
    }

    /// <summary>PyTorch's value_selecting_reduction_backward: the gradient scattered to the returned indices in zeros.</summary>
    private static Tensor ValueSelecting(BackwardContext c, Tensor grad)
    {
        var s = c.State<AxisState>();
        var shape = c.InputShape(0);
        if (shape.Length == 0) return grad;
        var idx = c.Saved(0);
        if (!s.KeepDim) { grad = grad.Unsqueeze(s.Axis); idx = idx.Unsqueeze(s.Axis); }
        return Tensor.Zeros(shape, grad.DType, grad.Device).Scatter(s.Axis, idx, grad);
    }

    /// <summary>
    /// PyTorch's var_backward with the gradient already in keepdim shape: 2 g (x - mean) / (N - correction).
    /// Where N - correction ≤ 0 this is what PyTorch 1.13 computes along dims: inf · g · (x - mean) (NaN
    /// where x equals the mean) for 0, a finite value of the opposite sign below 0. A 0-d input gets
    /// 2 g / (N - correction) (inf · g for correction 1), as PyTorch's 0-d path; PyTorch's all-elements path
    /// over a non-0-d input fails there with a shape error, which Ember does not copy.
    /// </summary>
    private static Tensor VarBackward(Tensor grad, Tensor x, int[] axes, double correction)
    {
        double dof = Count(x.Layout.Shape, axes) - correction;
        if (x.NDim == 0 && dof <= 0) return 2.0 / dof * grad;
        return 2.0 / dof * grad * (x - x.Mean(axes, keepDim: true));
    }
}
