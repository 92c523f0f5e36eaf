namespace Ember.Tests.Autograd;

public static partial class GradCases
{
    /// <summary>An int64 index tensor.</summary>
    private static Tensor I(long[] data, params int[] shape) => Tensor.From<long>(data, shape.Length == 0 && data.Length != 1 ? [data.Length] : shape);

    /// <summary>A bool mask.</summary>
    private static Tensor M(bool[] data, params int[] shape) => Tensor.From<bool>(data, shape);

    /// <summary>
    /// True when <paramref name="op"/> records a node on a tensor that requires grad. Formulas here use
    /// view and reduction ops wired by other families; cases (and second derivatives) that need those
    /// switch on by themselves once they record.
    /// </summary>
    private static bool Records(Func<Tensor, Tensor> op, params int[] shape) =>
        op(Tensor.Zeros(shape, DType.Float64).RequiresGrad_()).RequiresGrad;

    /// <summary>A float64 leaf that requires grad, with one exact zero (for prod reductions).</summary>
    private static Tensor WithZero(int at, params int[] shape)
    {
        var t = R(shape).Detach();
        t.AsSpan<double>()[at] = 0;
        return t.RequiresGrad_();
    }

    private static IEnumerable<GradCase> JoiningCases()
    {
        bool narrow = Records(t => t.Narrow(0, 0, 1), 2);
        bool select = Records(t => t.Select(0, 0), 2);
        bool reshape = Records(t => t.Reshape(2), 1, 2) && Records(t => t.Reshape(2, 1), 2);
        bool unsqueeze = Records(t => t.Unsqueeze(0), 2);
        bool expand = Records(t => t.Expand(2, 2), 1, 2);
        bool sum = Records(t => t.Sum(), 2) && Records(t => t.Sum([0]), 2, 2);
        bool sub = Records(t => t - t, 2);
        bool div = Records(t => t / t, 2);
        bool where = Records(t => Tensor.Where(t > 0.0, t, t), 2);
        // An in-place op on a view whose only differentiable input is the view itself records only once the view does.
        bool view = Records(t => t[0], 2, 2);

        // ---- cat / stack and the stacking composites
        yield return Case("Cat", "dim 0", x => Tensor.Cat([x[0], x[1]]), () => [R(2, 3), R(1, 3)], gradGrad: narrow);
        yield return Case("Cat", "dim -1, non-contiguous and transposed", x => Tensor.Cat([x[0], x[1]], -1), () => [NC(2, 3), T(2, 4)]);
        yield return Case("Cat", "with a float32 constant (promoted) and a skipped legacy empty input", x => Tensor.Cat([x[0], Tensor.Ones(2, 2), x[1], x[2]], 1),
            () => [R(2, 1), R(0), R(2, 3)]);
        yield return Case("Cat", "concat alias, one input", x => Tensor.Concat([x[0]], 1), () => [R(2, 2)]);
        yield return Case("Cat", "vstack of matrices", x => Tensor.VStack([x[0], x[1]]), () => [R(2, 3), R(1, 3)]);
        yield return Case("Cat", "hstack of matrices", x => Tensor.HStack([x[0], x[1]]), () => [R(2, 3), NC(2, 1)]);
        yield return Case("Cat", "dstack of 3-D tensors", x => Tensor.DStack([x[0], x[1]]), () => [R(2, 2, 1), R(2, 2, 2)]);
        yield return Case("Cat", "column_stack of matrices", x => Tensor.ColumnStack([x[0], x[1]]), () => [R(3, 1), R(3, 2)]);
        if (unsqueeze && reshape)
        {
            yield return Case("Cat", "vstack of vectors and a 0-d tensor", x => Tensor.VStack([x[0], x[1]]), () => [R(1), R()]);
            yield return Case("Cat", "dstack of a vector and a matrix", x => Tensor.DStack([x[0], x[1]]), () => [R(3), R(1, 3)]);
            yield return Case("Cat", "column_stack of vectors", x => Tensor.ColumnStack([x[0], x[1]]), () => [R(3), R(3)]);
            yield return Case("Cat", "hstack of a 0-d tensor and a vector", x => Tensor.HStack([x[0], x[1]]), () => [R(), R(2)]);
        }
        yield return Case("Stack", "dim 1", x => Tensor.Stack([x[0], x[1], x[2]], 1), () => [R(2, 3), R(2, 3), C(2, 3)], gradGrad: select);
        yield return Case("Stack", "dim -1, non-contiguous and transposed", x => Tensor.Stack([x[0], x[1]], -1), () => [NC(3, 2), T(3, 2)]);
        yield return Case("Stack", "0-d tensors", x => Tensor.Stack([x[0], x[1]]), () => [R(), R()]);

        // ---- gather / scatter
        var gi = I([0, 2, 1, 1, 3, 0], 3, 2);
        yield return Case("Gather", "dim 1", x => x[0].Gather(1, gi), () => [R(3, 4)], gradGrad: true);
        yield return Case("Gather", "dim 0, index smaller than self, non-contiguous", x => x[0].Gather(0, I([2, 0, 2, 1], 2, 2)), () => [NC(3, 4)], gradGrad: true);
        yield return Case("Gather", "0-d", x => x[0].Gather(0, I([0])), () => [R()]);
        yield return Case("Gather", "take_along_dim, same shapes", x => x[0].TakeAlongDim(I([3, 1, 0, 2, 2, 1], 2, 3), 1), () => [R(2, 4)]);
        if (expand)
            yield return Case("Gather", "take_along_dim, broadcast", x => x[0].TakeAlongDim(I([1, 0, 2], 1, 3), 1), () => [R(2, 4)]);
        if (reshape)
            yield return Case("Gather", "take_along_dim without a dim", x => x[0].TakeAlongDim(I([5, 0, 3], 3)), () => [T(2, 3)]);

        var si = I([0, 2, 3, 1, 1, 0], 3, 2);   // no index repeats along dim 1, so scatter's last-write rule never matters
        yield return Case("ScatterSrc", "dim 1, src larger than index", x => x[0].Scatter(1, si, x[1]), () => [R(3, 4), R(3, 3)], gradGrad: true);
        yield return Case("ScatterSrc", "dim 0, non-contiguous self, constant src", x => x[0].Scatter(0, I([1, 0, 2, 2, 1, 0], 2, 3), x[1]), () => [NC(3, 3), C(2, 3)]);
        yield return Case("ScatterSrc", "in place on a non-leaf", x => { var y = x[0] * 1.0; y.Scatter_(1, si, x[1]); return y; }, () => [R(3, 4), R(3, 2)]);
        yield return Case("ScatterSrc", "in place on a view of a non-leaf", x => { var y = x[0] * 1.0; y[1].Scatter_(0, I([2, 0], 2), x[1]); return y; }, () => [R(2, 4), R(2)]);
        yield return Case("ScatterValue", "dim 1", x => x[0].Scatter(1, si, 2.5), () => [R(3, 4)], gradGrad: true);
        yield return Case("ScatterValue", "in place on a non-leaf", x => { var y = x[0] * 1.0; y.Scatter_(-1, si, -1.0); return y; }, () => [T(3, 4)]);
        yield return Case("ScatterAdd", "dim 1, repeated indices", x => x[0].ScatterAdd(1, I([0, 0, 3, 1, 1, 1], 3, 2), x[1]), () => [R(3, 4), R(3, 2)], gradGrad: true);
        yield return Case("ScatterAdd", "src larger than index, non-contiguous", x => x[0].ScatterAdd(0, I([2, 2, 0], 1, 3), x[1]), () => [NC(3, 3), T(2, 4)], gradGrad: true);
        yield return Case("ScatterAdd", "in place on a non-leaf", x => { var y = x[0] * 1.0; y.ScatterAdd_(1, I([0, 0, 3, 1, 1, 1], 3, 2), x[1]); return y; }, () => [R(3, 4), R(3, 2)]);
        yield return Case("ScatterAdd", "in place on a view of a non-leaf", x => { var y = x[0] * 1.0; y[0].ScatterAdd_(0, I([1, 1, 0], 3), x[1]); return y; }, () => [R(2, 3), R(3)]);

        // ---- scatter_reduce: repeated indices so that several values meet at one place
        var ri = I([0, 0, 2, 1, 1, 1], 2, 3);
        foreach (var reduce in new[] { "sum", "mean", "amax", "amin", "prod" })
            foreach (bool includeSelf in new[] { true, false })
            {
                bool gg = reduce switch { "sum" => true, "prod" => div && where, _ => div };
                yield return Case("ScatterReduce", $"{reduce}, include_self={includeSelf}", x => x[0].ScatterReduce(1, ri, x[1], reduce, includeSelf),
                    () => [R(2, 3), R(2, 4)], gradGrad: gg && narrow);
            }
        yield return Case("ScatterReduce", "prod with a zero in src and in self", x => x[0].ScatterReduce(1, ri, x[1], "prod"),
            () => [WithZero(1, 2, 3), WithZero(0, 2, 3)], gradGrad: div && where && narrow);
        yield return Case("ScatterReduce", "amax in place on a non-leaf", x => { var y = x[0] * 1.0; y.ScatterReduce_(0, I([1, 0, 1], 1, 3), x[1], "amax"); return y; },
            () => [R(2, 3), R(1, 3)]);
        yield return Case("ScatterReduce", "prod in place, src is the tensor itself", x => { var y = x[0] * 1.0; y.ScatterReduce_(0, I([1, 2, 0], 3), y, "prod"); return y; },
            () => [R(3)]);
        yield return Case("ScatterReduce", "mean in place on a view of a non-leaf", x => { var y = x[0] * 1.0; y[1].ScatterReduce_(0, I([2, 2, 0], 3), x[1], "mean", includeSelf: false); return y; },
            () => [R(2, 3), R(3)]);

        // ---- index_select / index_add / index_fill / index_copy
        yield return Case("IndexSelect", "dim 0, repeated index", x => x[0].IndexSelect(0, I([2, 0, 2], 3)), () => [R(4, 3)], gradGrad: true);
        yield return Case("IndexSelect", "dim 1, int32 index, transposed", x => x[0].IndexSelect(1, Tensor.From<int>([3, 1], [2])), () => [T(3, 4)], gradGrad: true);
        yield return Case("IndexSelect", "0-d", x => x[0].IndexSelect(0, I([0])), () => [R()]);
        yield return Case("IndexAdd", "dim 0, repeated index, alpha 2.5", x => x[0].IndexAdd(0, I([1, 1, 3], 3), x[1], alpha: 2.5), () => [R(4, 2), R(3, 2)], gradGrad: true);
        yield return Case("IndexAdd", "dim 1, non-contiguous", x => x[0].IndexAdd(1, I([0, 2], 2), x[1]), () => [NC(3, 3), T(3, 2)], gradGrad: true);
        yield return Case("IndexAdd", "in place on a non-leaf", x => { var y = x[0] * 1.0; y.IndexAdd_(0, I([2, 0], 2), x[1], alpha: -1); return y; }, () => [R(3, 2), R(2, 2)]);
        yield return Case("IndexAdd", "in place on a view of a non-leaf", x => { var y = x[0] * 1.0; y[0].IndexAdd_(0, I([1, 1], 2), x[1]); return y; }, () => [R(2, 3), R(2)]);
        yield return Case("IndexFillScalar", "dim 1, negative index", x => x[0].IndexFill(1, I([-1, 0], 2), 0.5), () => [R(3, 4)], gradGrad: true);
        yield return Case("IndexFillScalar", "constant 0-d value, non-contiguous", x => x[0].IndexFill(0, I([1], 1), x[1]), () => [NC(3, 2), C()]);
        if (view)
            yield return Case("IndexFillScalar", "in place on a view of a non-leaf", x => { var y = x[0] * 1.0; y[1].IndexFill_(0, I([0, 2], 2), 3.0); return y; }, () => [R(2, 3)]);
        yield return Case("IndexFillTensor", "value requires grad, repeated index", x => x[0].IndexFill(0, I([2, 0, 2], 3), x[1]), () => [R(3, 2), R()], gradGrad: sub && sum);
        yield return Case("IndexFillTensor", "in place on a non-leaf", x => { var y = x[0] * 1.0; y.IndexFill_(1, I([1], 1), x[1]); return y; }, () => [R(2, 3), R()]);
        yield return Case("IndexCopy", "dim 0", x => x[0].IndexCopy(0, I([3, 0], 2), x[1]), () => [R(4, 2), R(2, 2)], gradGrad: true);
        yield return Case("IndexCopy", "dim 1, transposed source", x => x[0].IndexCopy(1, I([1, 2], 2), x[1]), () => [NC(2, 3), T(2, 2)]);
        yield return Case("IndexCopy", "in place on a non-leaf", x => { var y = x[0] * 1.0; y.IndexCopy_(0, I([1], 1), x[1]); return y; }, () => [R(3, 2), R(1, 2)]);
        yield return Case("IndexCopy", "in place on a view of a non-leaf", x => { var y = x[0] * 1.0; y[0].IndexCopy_(0, I([2, 0], 2), x[1]); return y; }, () => [R(2, 3), R(2)]);

        // ---- masked_fill / masked_select / take
        var mask = M([true, false, true, false, false, true], 2, 3);
        yield return Case("MaskedFillScalar", "broadcast self [3] against mask [2, 3]", x => x[0].MaskedFill(mask, -2.0), () => [R(3)], gradGrad: sum);
        yield return Case("MaskedFillScalar", "mask broadcast, transposed self", x => x[0].MaskedFill(M([true, false, true], 3, 1), 1.0), () => [T(3, 2)], gradGrad: true);
        yield return Case("MaskedFillScalar", "in place on a non-leaf", x => { var y = x[0] * 1.0; y.MaskedFill_(mask, 0.0); return y; }, () => [R(2, 3)]);
        if (view)
            yield return Case("MaskedFillScalar", "in place on a view of a non-leaf", x => { var y = x[0] * 1.0; y[1].MaskedFill_(M([false, true, true], 3), 0.0); return y; }, () => [R(2, 3)]);
        yield return Case("MaskedFillTensor", "value requires grad, broadcast", x => x[0].MaskedFill(mask, x[1]), () => [R(3), R()], gradGrad: reshape && sum);
        yield return Case("MaskedFillTensor", "in place on a non-leaf", x => { var y = x[0] * 1.0; y.MaskedFill_(mask, x[1]); return y; }, () => [R(2, 3), R()]);
        yield return Case("MaskedSelect", "same shape, non-contiguous", x => x[0].MaskedSelect(mask), () => [NC(2, 3)], gradGrad: reshape);
        yield return Case("MaskedSelect", "self broadcast against the mask", x => x[0].MaskedSelect(mask), () => [R(1, 3)], gradGrad: reshape);
        yield return Case("MaskedSelect", "nothing selected", x => x[0].MaskedSelect(M([false, false], 2)), () => [R(2)]);
        yield return Case("Take", "negative and repeated indices, transposed", x => x[0].Take(I([-1, 0, 4, 4], 2, 2)), () => [T(2, 3)], gradGrad: reshape);
        yield return Case("Take", "0-d index", x => x[0].Take(I([3])), () => [R(2, 2)]);

        // ---- repeat / tile / flip / roll / tril / triu
        yield return Case("Repeat", "extra leading dims", x => x[0].Repeat(2, 1, 3), () => [R(2, 2)], gradGrad: reshape && sum);
        yield return Case("Repeat", "non-contiguous", x => x[0].Repeat(1, 2), () => [NC(2, 3)]);
        yield return Case("Repeat", "0-d", x => x[0].Repeat(3), () => [R()]);
        yield return Case("Repeat", "a zero repeat", x => x[0].Repeat(0, 2), () => [R(2)]);
        yield return Case("Repeat", "tile with fewer dims", x => x[0].Tile(2), () => [R(2, 3)]);
        yield return Case("Flip", "two dims", x => x[0].Flip(0, -1), () => [R(2, 3)], gradGrad: true);
        yield return Case("Flip", "transposed", x => x[0].Flip(1), () => [T(3, 2)]);
        yield return Case("Roll", "two dims", x => x[0].Roll([1, -2], [0, 1]), () => [R(3, 4)], gradGrad: true);
        yield return Case("Roll", "flattened, non-contiguous", x => x[0].Roll(4), () => [NC(2, 3)], gradGrad: true);
        yield return Case("Roll", "one dim repeated", x => x[0].Roll([2, 3], [1, 1]), () => [T(2, 3)]);
        yield return Case("Tril", "diagonal 0", x => x[0].Tril(), () => [R(3, 4)], gradGrad: true);
        yield return Case("Tril", "batched, diagonal -1, non-contiguous", x => x[0].Tril(-1), () => [NC(2, 3, 3)]);
        yield return Case("Tril", "in place on a non-leaf", x => { var y = x[0] * 1.0; y.Tril_(1); return y; }, () => [R(3, 3)]);
        if (view)
            yield return Case("Tril", "in place on a view of a non-leaf", x => { var y = x[0] * 1.0; y[1].Tril_(); return y; }, () => [R(2, 3, 3)]);
        yield return Case("Triu", "diagonal 1", x => x[0].Triu(1), () => [R(3, 4)], gradGrad: true);
        yield return Case("Triu", "transposed", x => x[0].Triu(), () => [T(4, 3)]);
        yield return Case("Triu", "in place on a non-leaf", x => { var y = x[0] * 1.0; y.Triu_(-1); return y; }, () => [R(3, 3)]);
        if (view)
            yield return Case("Triu", "in place on a view of a non-leaf", x => { var y = x[0] * 1.0; y[0].Triu_(); return y; }, () => [R(2, 3, 3)]);
    }
}
