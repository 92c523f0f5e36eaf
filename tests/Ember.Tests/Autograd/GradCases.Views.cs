namespace Ember.Tests.Autograd;

public static partial class GradCases
{
    private static Tensor Long(params long[] v) => Tensor.From(v);

    private static IEnumerable<GradCase> ViewCases()
    {
        // Reshapes.
        yield return Case("View", "view [2,3] -> [6]", x => x[0].View(6), () => [R(2, 3)], gradGrad: true);
        yield return Case("View", "view with -1", x => x[0].View(-1, 2), () => [R(2, 3, 2)], gradGrad: true);
        yield return Case("View", "view_as", x => x[0].ViewAs(x[1]), () => [R(2, 3), C(3, 2)], gradGrad: true);
        yield return Case("View", "unflatten", x => x[0].Unflatten(1, 2, -1), () => [R(3, 4)], gradGrad: true);
        yield return Case("View", "0-d to [1,1]", x => x[0].View(1, 1), () => [R()], gradGrad: true);
        yield return Case("ReshapeAlias", "reshape of contiguous", x => x[0].Reshape(3, -1), () => [R(2, 3, 2)], gradGrad: true);
        yield return Case("ReshapeAlias", "reshape_as", x => x[0].ReshapeAs(x[1]), () => [R(6), C(2, 3)], gradGrad: true);
        yield return Case("ReshapeAlias", "flatten", x => x[0].Flatten(), () => [R(2, 3, 2)], gradGrad: true);
        yield return Case("ReshapeAlias", "flatten 0-d", x => x[0].Flatten(), () => [R()], gradGrad: true);
        yield return Case("UnsafeView", "reshape of transposed (copies)", x => x[0].Reshape(12), () => [T(3, 4)], gradGrad: true);
        yield return Case("UnsafeView", "flatten of permuted", x => x[0].Permute(1, 0, 2).Flatten(0, 1), () => [NC(3, 4, 2)], gradGrad: true);
        yield return Case("Alias", "x[..]", x => x[0][Tensor.Ellipsis], () => [R(2, 3)], gradGrad: true);
        yield return Case("Alias", "flatten over one dim", x => x[0].Flatten(1, 1), () => [T(2, 3)], gradGrad: true);

        // Dim reorderings.
        yield return Case("Permute", "permute", x => x[0].Permute(2, 0, 1), () => [R(2, 3, 4)], gradGrad: true);
        yield return Case("Permute", "T of a matrix, non-contiguous", x => x[0].T, () => [NC(3, 4)], gradGrad: true);
        yield return Case("Permute", "movedim", x => x[0].Movedim([0, 1], [2, 0]), () => [R(2, 3, 4)], gradGrad: true);
        yield return Case("Permute", "movedim of 0-d", x => x[0].Movedim(0, 0), () => [R()], gradGrad: true);
        yield return Case("Transpose", "transpose", x => x[0].Transpose(0, -1), () => [R(2, 3, 4)], gradGrad: true);
        yield return Case("Transpose", "mT of transposed", x => x[0].MT, () => [T(2, 3, 4)], gradGrad: true);
        yield return Case("Transpose", "0-d", x => x[0].Transpose(0, -1), () => [R()], gradGrad: true);

        // Size-1 dims.
        yield return Case("Unsqueeze", "unsqueeze(1)", x => x[0].Unsqueeze(1), () => [R(2, 3)], gradGrad: true);
        yield return Case("Unsqueeze", "unsqueeze(-1) of non-contiguous", x => x[0].Unsqueeze(-1), () => [NC(2, 3)], gradGrad: true);
        yield return Case("Unsqueeze", "indexer NewAxis", x => x[0][.., Tensor.NewAxis], () => [R(2, 3)], gradGrad: true);
        yield return Case("Squeeze", "squeeze()", x => x[0].Squeeze(), () => [R(2, 1, 3, 1)], gradGrad: true);
        yield return Case("Squeeze", "squeeze() of 0-d", x => x[0].Squeeze(), () => [R()], gradGrad: true);
        yield return Case("SqueezeDim", "squeeze(1)", x => x[0].Squeeze(1), () => [R(2, 1, 3)], gradGrad: true);
        yield return Case("SqueezeDim", "squeeze of a dim not of size 1", x => x[0].Squeeze(0), () => [T(2, 3)], gradGrad: true);
        yield return Case("SqueezeDims", "squeeze(0, 2)", x => x[0].Squeeze(0, 2), () => [R(1, 3, 1, 1)], gradGrad: true);
        yield return Case("SqueezeDims", "indexer value with leading ones", x => { var y = x[0] * 1.0; y[0] = x[1]; return y; }, () => [R(2, 3), R(1, 1, 3)]);

        // Broadcast views: the engine sums the gradient back (second order needs Sum's rule, from the reductions family).
        yield return Case("Expand", "expand [3,1] -> [2,3,4]", x => x[0].Expand(2, 3, 4), () => [R(3, 1)]);
        yield return Case("Expand", "expand_as with -1, transposed", x => x[0].Expand(2, -1, 3), () => [T(3, 1)]);
        yield return Case("Expand", "expand then multiply", x => x[0].ExpandAs(x[1]) * x[1], () => [R(1, 3), R(2, 3)]);

        // Slices and selects.
        yield return Case("Slice", "narrow", x => x[0].Narrow(1, 1, 2), () => [R(3, 4)], gradGrad: true);
        yield return Case("Slice", "narrow from the end, non-contiguous", x => x[0].Narrow(0, -2, 2), () => [NC(3, 4)], gradGrad: true);
        yield return Case("Slice", "indexer x[1..3]", x => x[0][1..3], () => [R(4, 2)], gradGrad: true);
        yield return Case("Slice", "indexer with step, transposed", x => x[0][.., TensorIndex.Slice(0, null, 2)], () => [T(3, 5)], gradGrad: true);
        yield return Case("Slice", "empty slice", x => x[0][2..2] * x[1], () => [R(4, 3), R(3)]);
        yield return Case("Select", "select(1, -1)", x => x[0].Select(1, -1), () => [R(3, 4)], gradGrad: true);
        yield return Case("Select", "indexer x[0]", x => x[0][0], () => [R(3, 4)], gradGrad: true);
        yield return Case("Select", "indexer x[.., 2] of non-contiguous", x => x[0][.., 2], () => [NC(3, 4)], gradGrad: true);
        yield return Case("Select", "indexer x[1, 1..] (select then slice)", x => x[0][1, 1..], () => [R(3, 4)], gradGrad: true);
        yield return Case("Select", "0-d integer index tensor", x => x[0][Long(1).View()], () => [R(3, 2)], gradGrad: true);
        yield return Case("Select", "to 0-d", x => x[0][1, ^1], () => [R(2, 3)], gradGrad: true);

        // Multi-output views: unused outputs get zero gradients.
        yield return Case("Unbind", "unbind(1), one piece unused", x => { var p = x[0].Unbind(1); return p[0] * p[2]; }, () => [R(3, 3)], gradGrad: true);
        yield return Case("Unbind", "unbind(0) of transposed", x => { var p = x[0].Unbind(); return p[1] * p[0]; }, () => [T(2, 3)], gradGrad: true);
        yield return Case("Split", "split(2, 1), last piece unused", x => { var p = x[0].Split(2, 1); return p[0] * p[1]; }, () => [R(3, 5)], gradGrad: true);
        yield return Case("Split", "chunk(2) of non-contiguous", x => { var p = x[0].Chunk(2); return p[0] * p[1]; }, () => [NC(4, 3)], gradGrad: true);
        yield return Case("Split", "single piece", x => x[0].Split(10, 0)[0], () => [R(3)], gradGrad: true);
        yield return Case("SplitWithSizes", "split([1, 3], 1), broadcast product", x => { var p = x[0].Split([1, 3], 1); return p[0] * p[1]; }, () => [R(2, 4)]);
        yield return Case("SplitWithSizes", "split([2, 2], 1)", x => { var p = x[0].Split([2, 2], 1); return p[0] * p[1]; }, () => [R(2, 4)], gradGrad: true);
        yield return Case("SplitWithSizes", "with an empty piece", x => { var p = x[0].Split([2, 0, 1], 0); return p[0] * p[2]; }, () => [R(3, 2)]);

        // Advanced indexing (reads copy; the gradient scatters back with accumulation).
        yield return Case("Index", "repeated indices", x => x[0][Long(2, 0, 2)], () => [R(3, 2)], gradGrad: true);
        yield return Case("Index", "bool mask", x => x[0][x[1].Gt(0)], () => [R(3, 4), C(3, 4)], gradGrad: true);
        yield return Case("Index", "x[.., idx] of transposed", x => x[0][.., Long(1, 1, 0)], () => [T(2, 3)], gradGrad: true);
        yield return Case("Index", "two index tensors broadcast", x => x[0][Long(0, 2).View(2, 1), Long(1, 0, 1)], () => [R(3, 2)], gradGrad: true);
        yield return Case("Index", "slice then index (non-contiguous)", x => x[0][1.., Long(0, 2)], () => [NC(3, 4)], gradGrad: true);
        yield return Case("Index", "0-d True mask", x => x[0][Tensor.From(new[] { true }).View()], () => [R(2, 3)], gradGrad: true);
        yield return Case("Index", "int32 index tensor with an integer", x => x[0][Tensor.From(new[] { 2, 0 }), 1], () => [R(3, 2)], gradGrad: true);
        yield return Case("Index", "non-adjacent index tensors", x => x[0][Long(1, 0), .., Long(2, 2)], () => [R(2, 3, 4)], gradGrad: true);

        // Writes through the indexer and IndexPut.
        yield return Case("IndexPut", "index_put (out of place)", x => x[0].IndexPut([Long(0, 2)], x[1]), () => [R(3, 2), R(2, 2)], gradGrad: true);
        yield return Case("IndexPut", "index_put accumulate, repeated, broadcast values", x => x[0].IndexPut([Long(1, 1, 0)], x[1], accumulate: true), () => [R(3, 2), R(2)]);
        yield return Case("IndexPut", "y[mask] = 0 on a non-leaf", x => { var y = x[0] * 1.0; y[x[1].Gt(0)] = 0; return y; }, () => [R(3, 4), C(3, 4)], gradGrad: true);
        yield return Case("IndexPut", "y[idx] = v, v broadcast", x => { var y = x[0] * 1.0; y[Long(2, 0)] = x[1]; return y; }, () => [R(3, 2), R(2)]);
        yield return Case("IndexPut", "zeros[idx] = v (v alone requires grad)", x => { var z = Tensor.Zeros([4, 2], DType.Float64); z[Long(3, 1)] = x[0]; return z; }, () => [R(2, 2)], gradGrad: true);
        yield return Case("IndexPut", "y[.., idx] = v (in place on a view of a non-leaf)", x => { var y = x[0] * 1.0; y[1.., Long(0, 2)] = x[1]; return y; }, () => [R(3, 3), R(2, 2)]);
        yield return Case("IndexPut", "in place on a view of a non-leaf", x => { var y = x[0] * 1.0; y[0].IndexPut_([Long(1)], x[1], accumulate: true); return y; }, () => [R(2, 3), R(1)]);

        // A view of a non-leaf written through a view of it, then used: its history re-reads the base.
        yield return Case("AsStrided", "h = y.View(..); h[.., 0] = v; use h", x => { var h = (x[0] * 1.0).View(3, 2); h[.., 0] = x[1]; return h * x[2]; }, () => [R(6), R(3), R(3, 2)]);
        yield return Case("AsStrided", "h = y[1..]; h[mask, 0] = 0; use h", x => { var h = (x[0] * 1.0)[1..]; h[x[1].Gt(0), 0] = 0.0; return h * x[2]; }, () => [R(3, 2), C(2), R(2, 2)]);
        yield return Case("AsStrided", "h = y.T; h[1, idx] = v; use h", x => { var h = (x[0] * 1.0).T; h[1, Long(1, 0)] = x[1]; return h * x[2]; }, () => [R(2, 3), R(2), R(3, 2)]);

        // Copies.
        yield return Case("Copy", "copy_ broadcast into a non-leaf", x => { var y = x[0] * 1.0; y.Copy_(x[1]); return y * x[0]; }, () => [R(2, 3), R(3)]);
        yield return Case("Copy", "copy_ into a non-leaf", x => { var y = x[0] * 1.0; y.Copy_(x[1]); return y * x[2]; }, () => [R(2, 3), T(2, 3), R(2, 3)], gradGrad: true);
        yield return Case("Copy", "y[.., 0] = 0 on a non-leaf", x => { var y = x[0] * 1.0; y[.., 0] = 0.0; return y; }, () => [R(2, 3)]);
        yield return Case("Copy", "y[1] = v on a non-leaf", x => { var y = x[0] * 1.0; y[1] = x[1]; return y; }, () => [R(2, 3), NC(1, 3)]);
        yield return Case("Copy", "zeros[0] = v (v alone requires grad)", x => { var z = Tensor.Zeros([2, 3], DType.Float64); z[0] = x[0]; return z; }, () => [T(1, 3)]);
        yield return Case("Copy", "x[..] = v", x => { var y = x[0] * 1.0; y[Tensor.Ellipsis] = x[1]; return y; }, () => [R(2, 2), R(2)]);
        yield return Case("Clone", "clone", x => x[0].Clone(), () => [R(2, 3)], gradGrad: true);
        yield return Case("Clone", "contiguous of transposed", x => x[0].Contiguous(), () => [T(3, 4)], gradGrad: true);
        yield return Case("Clone", "clone of 0-d", x => x[0].Clone(), () => [R()], gradGrad: true);
        // float32 round trips defeat finite differences at eps 1e-6; the values are checked in AutogradViewTests.
        yield return Case("ToCopy", "through float32 (zero branch) and back", x => x[0] * (x[1] * 0.0).Float().Double(), () => [R(2, 3), R(2, 3)]);
    }
}
