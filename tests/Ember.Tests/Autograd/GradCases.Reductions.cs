namespace Ember.Tests.Autograd;

public static partial class GradCases
{
    /// <summary><see cref="R"/> with the elements at the given flat positions set to 0 (prod, cumprod and norm have special cases there).</summary>
    private static Tensor WithZeros(Tensor t, params int[] flat)
    {
        var d = t.Detach();
        var span = d.AsSpan<double>();
        foreach (int i in flat) span[i] = 0;
        return d.RequiresGrad_();
    }

    // Second derivatives (gradGrad) differentiate the formulas, which are built from pointwise ops
    // (Div, Sub, Exp, Pow, Sign, Abs, Where) and views (Expand, Reshape, Unsqueeze, Flip): they fail on
    // the reductions branch alone and pass once those families' rows are merged (checked by a trial
    // merge with grad-pointwise, grad-views and grad-join). The value-selecting rules (max/min/median by
    // dim, sort, topk) go through Scatter, and prod/cumprod with zeros through Cat and Narrow; in that
    // trial merge they passed gradgradcheck too, but carry no gradGrad flag until the joining rows land.
    // "Norm: p 2, a zero row" has no second derivative (the norm is not differentiable twice at 0).
    private static IEnumerable<GradCase> ReductionCases()
    {
        // sum, mean
        yield return Case("Sum", "all elements", x => x[0].Sum(), () => [R(3, 4)], gradGrad: true);
        yield return Case("Sum", "non-contiguous", x => x[0].Sum(), () => [NC(3, 4)]);
        yield return Case("Sum", "0-d", x => x[0].Sum(), () => [R()], gradGrad: true);
        yield return Case("Sum", "empty", x => x[0].Sum(), () => [R(0, 3)]);
        yield return Case("SumDims", "dim 1", x => x[0].Sum(1), () => [R(3, 4)], gradGrad: true);
        yield return Case("SumDims", "dim -1 keepDim, transposed", x => x[0].Sum(-1, keepDim: true), () => [T(3, 4)], gradGrad: true);
        yield return Case("SumDims", "dims [0, 2] of a non-contiguous 3-d", x => x[0].Sum([0, 2]), () => [NC(2, 3, 4)]);
        yield return Case("SumDims", "empty dim list is every dim", x => x[0].Sum(Array.Empty<int>()), () => [R(2, 3)]);
        yield return Case("SumDims", "empty input, dim 0", x => x[0].Sum(0), () => [R(0, 3)]);
        yield return Case("Mean", "all elements", x => x[0].Mean(), () => [R(3, 4)], gradGrad: true);
        yield return Case("Mean", "non-contiguous", x => x[0].Mean(), () => [NC(2, 3)]);
        yield return Case("MeanDims", "dim 0", x => x[0].Mean(0), () => [R(3, 4)], gradGrad: true);
        yield return Case("MeanDims", "dims [0, 2] keepDim, non-contiguous", x => x[0].Mean([0, 2], keepDim: true), () => [NC(2, 3, 4)], gradGrad: true);

        // prod
        yield return Case("Prod", "no zeros", x => x[0].Prod(), () => [R(2, 3)], gradGrad: true);
        yield return Case("Prod", "non-contiguous", x => x[0].Prod(), () => [NC(2, 3)]);
        yield return Case("Prod", "0-d", x => x[0].Prod(), () => [R()]);
        yield return Case("Prod", "one zero", x => x[0].Prod(), () => [WithZeros(R(2, 3), 4)]);
        yield return Case("Prod", "two zeros", x => x[0].Prod(), () => [WithZeros(R(2, 3), 1, 4)]);
        yield return Case("ProdDim", "dim 1, no zeros", x => x[0].Prod(1), () => [R(3, 4)], gradGrad: true);
        yield return Case("ProdDim", "dim 0 keepDim, transposed", x => x[0].Prod(0, keepDim: true), () => [T(3, 4)], gradGrad: true);
        yield return Case("ProdDim", "1-d", x => x[0].Prod(0), () => [R(5)]);
        yield return Case("ProdDim", "one zero in a row, two in another", x => x[0].Prod(1), () => [WithZeros(R(3, 4), 1, 8, 10)]);
        yield return Case("ProdDim", "zeros, keepDim, dim 0", x => x[0].Prod(0, keepDim: true), () => [WithZeros(R(3, 4), 0, 5, 9)]);

        // max/min/median over all elements, amax/amin (no ties: random values)
        yield return Case("MaxAll", "3x4", x => x[0].Max(), () => [R(3, 4)], gradGrad: true);
        yield return Case("MaxAll", "non-contiguous", x => x[0].Max(), () => [NC(3, 4)]);
        yield return Case("MinAll", "3x4", x => x[0].Min(), () => [R(3, 4)]);
        yield return Case("MinAll", "transposed", x => x[0].Min(), () => [T(3, 4)]);
        yield return Case("MedianAll", "even count (lower median)", x => x[0].Median(), () => [R(3, 4)]);
        yield return Case("MedianAll", "odd count, non-contiguous", x => x[0].Median(), () => [NC(5)]);
        yield return Case("Amax", "dim 1", x => x[0].Amax(1), () => [R(3, 4)], gradGrad: true);
        yield return Case("Amax", "dims [0, 2] keepDim, non-contiguous", x => x[0].Amax([0, 2], keepDim: true), () => [NC(2, 3, 4)]);
        yield return Case("Amin", "dim 0", x => x[0].Amin(0), () => [R(3, 4)]);
        yield return Case("Amin", "every dim, transposed", x => x[0].Amin(Array.Empty<int>()), () => [T(3, 4)]);

        // value-selecting: max/min/median along a dim, sort, topk
        yield return Case("MaxDim", "dim 1", x => x[0].Max(1).Values, () => [R(3, 4)]);
        yield return Case("MaxDim", "dim 0 keepDim, non-contiguous", x => x[0].Max(0, keepDim: true).Values, () => [NC(3, 4)]);
        yield return Case("MaxDim", "1-d", x => x[0].Max(0).Values, () => [R(5)]);
        yield return Case("MaxDim", "0-d", x => x[0].Max(0).Values, () => [R()]);
        yield return Case("MinDim", "dim -1", x => x[0].Min(-1).Values, () => [R(3, 4)]);
        yield return Case("MinDim", "dim 0 keepDim, transposed", x => x[0].Min(0, keepDim: true).Values, () => [T(3, 4)]);
        yield return Case("MedianDim", "dim 1 (even size)", x => x[0].Median(1).Values, () => [R(3, 4)]);
        yield return Case("MedianDim", "dim 0 keepDim, non-contiguous", x => x[0].Median(0, keepDim: true).Values, () => [NC(3, 4)]);
        yield return Case("Sort", "last dim", x => x[0].Sort().Values, () => [R(3, 4)]);
        yield return Case("Sort", "dim 0 descending, non-contiguous", x => x[0].Sort(0, descending: true).Values, () => [NC(3, 4)]);
        yield return Case("Sort", "0-d", x => x[0].Sort().Values, () => [R()]);
        yield return Case("TopK", "k 2 largest", x => x[0].TopK(2).Values, () => [R(3, 4)]);
        yield return Case("TopK", "k 2 smallest along dim 0, transposed", x => x[0].TopK(2, dim: 0, largest: false).Values, () => [T(3, 4)]);

        // var, std
        yield return Case("Var", "all elements", x => x[0].Var(), () => [R(3, 4)], gradGrad: true);
        yield return Case("Var", "dim 1, correction 0", x => x[0].Var(1, correction: 0), () => [R(3, 4)], gradGrad: true);
        yield return Case("Var", "dims [0, 2] keepDim, non-contiguous", x => x[0].Var([0, 2], keepDim: true), () => [NC(2, 3, 4)], gradGrad: true);
        yield return Case("Var", "dim 0, transposed, correction 1.5", x => x[0].Var(0, correction: 1.5), () => [T(4, 3)]);
        yield return Case("Std", "all elements", x => x[0].Std(), () => [R(3, 4)], gradGrad: true);
        yield return Case("Std", "dim 1 keepDim", x => x[0].Std(1, keepDim: true), () => [R(3, 4)], gradGrad: true);
        yield return Case("Std", "dim 0, non-contiguous, correction 0", x => x[0].Std(0, correction: 0), () => [NC(3, 4)]);

        // logsumexp
        yield return Case("LogSumExp", "dim 1", x => x[0].LogSumExp(1), () => [R(3, 4)], gradGrad: true);
        yield return Case("LogSumExp", "every dim keepDim, non-contiguous", x => x[0].LogSumExp([0, 1], keepDim: true), () => [NC(3, 4)], gradGrad: true);
        yield return Case("LogSumExp", "dim 0, transposed", x => x[0].LogSumExp(0), () => [T(3, 4)], gradGrad: true);

        // norm
        yield return Case("Norm", "p 2, all elements", x => x[0].Norm(), () => [R(3, 4)], gradGrad: true);
        yield return Case("Norm", "p 2, dim 1 keepDim, non-contiguous", x => x[0].Norm(2, 1, keepDim: true), () => [NC(3, 4)], gradGrad: true);
        yield return Case("Norm", "p 2, a zero row gives 0", x => x[0].Norm(2, 1), () => [WithZeros(R(3, 4), 4, 5, 6, 7)]);
        yield return Case("Norm", "p 1, dim 0", x => x[0].Norm(1, 0), () => [R(3, 4)], gradGrad: true);
        yield return Case("Norm", "p inf", x => x[0].Norm(double.PositiveInfinity), () => [R(3, 4)], gradGrad: true);
        yield return Case("Norm", "p -inf, dim 1, transposed", x => x[0].Norm(double.NegativeInfinity, 1), () => [T(3, 4)]);
        yield return Case("Norm", "p 0 has no gradient", x => x[0].Norm(0, 1), () => [R(3, 4)]);
        yield return Case("Norm", "p 3, dims [0, 1]", x => x[0].Norm(3, [0, 1]), () => [R(3, 4)], gradGrad: true);
        yield return Case("Norm", "p 1.5, dim 1", x => x[0].Norm(1.5, 1), () => [R(3, 4)], gradGrad: true);
        yield return Case("Norm", "p 0.5, dim 1", x => x[0].Norm(0.5, 1), () => [U(0.5, 2, 3, 4)]);

        // empty inputs: the gradient is an empty tensor of the input's shape
        yield return Case("MeanDims", "empty input, dim 0", x => x[0].Mean(0), () => [R(0, 3)]);
        yield return Case("ProdDim", "empty input, dim 1", x => x[0].Prod(1), () => [R(0, 3)]);
        yield return Case("MaxDim", "empty input, dim 1", x => x[0].Max(1).Values, () => [R(0, 3)]);
        yield return Case("Sort", "empty input", x => x[0].Sort(0).Values, () => [R(0, 3)]);
        yield return Case("Var", "empty input, dim 0", x => x[0].Var(0), () => [R(0, 3)]);
        yield return Case("Norm", "empty input", x => x[0].Norm(), () => [R(0, 3)]);
        yield return Case("LogSumExp", "empty input, dim 1", x => x[0].LogSumExp(1), () => [R(0, 3)]);
        yield return Case("CumProd", "empty input", x => x[0].CumProd(0), () => [R(0, 3)]);

        // scans
        yield return Case("CumSum", "dim 1", x => x[0].CumSum(1), () => [R(3, 4)], gradGrad: true);
        yield return Case("CumSum", "dim 0, non-contiguous", x => x[0].CumSum(0), () => [NC(3, 4)], gradGrad: true);
        yield return Case("CumSum", "0-d", x => x[0].CumSum(0), () => [R()]);
        yield return Case("CumProd", "dim 1, no zeros", x => x[0].CumProd(1), () => [R(3, 4)], gradGrad: true);
        yield return Case("CumProd", "dim 0, transposed", x => x[0].CumProd(0), () => [T(3, 4)]);
        yield return Case("CumProd", "one zero in a row, two in another", x => x[0].CumProd(1), () => [WithZeros(R(3, 4), 1, 8, 10)]);
        yield return Case("CumProd", "zero first and last along dim 0", x => x[0].CumProd(0), () => [WithZeros(R(3, 4), 0, 9)]);
    }
}
