using Ember.Jit;

namespace Ember.NN;

// Embedding lookup and the bilinear form, as composites of recorded ops (index_select, where, matmul,
// sum), so they need no derivative rows.
public static partial class F
{
    /// <summary>
    /// Looks up rows of <paramref name="weight"/> (shape [num_embeddings, dim]) by the integer indices in
    /// <paramref name="input"/> (<c>F.embedding</c>); the result has shape input.shape + [dim]. The row at
    /// <paramref name="paddingIdx"/> (negative counts from the end) gets no gradient, as in PyTorch.
    /// PyTorch's max_norm, scale_grad_by_freq and sparse options are not provided.
    /// </summary>
    /// <exception cref="ArgumentException">The indices are not int64/int32, the weight is not 2-d, or <paramref name="paddingIdx"/> is out of range.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside [0, num_embeddings).</exception>
    public static Tensor Embedding(Tensor input, Tensor weight, int? paddingIdx = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(weight);
        if (Tracer.IsActive)
            return Tracer.Record("aten::embedding", [weight, input], new Attributes().Set("padding_idx", paddingIdx),
                static (x, a) => [Embedding(x[1]!, x[0]!, (int?)a["padding_idx"])]);
        if (input.DType is not (DType.Int64 or DType.Int32))
            throw new ArgumentException($"embedding: Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; but got {input.DType.TorchName()} instead.");
        if (weight.NDim != 2) throw new ArgumentException($"embedding: 'weight' must be 2-D, got shape {weight.Shape}.");
        int? pad = paddingIdx is { } p ? NormalizePaddingIdx(p, weight.Shape[0]) : null;
        var flat = input.Reshape(-1);
        var rows = weight.IndexSelect(0, flat);
        // The padding row is read but not trained: its rows in the output are cut from the graph.
        if (pad is { } pi) rows = Tensor.Where(flat.Eq(pi).Unsqueeze(1), rows.Detach(), rows);
        return rows.Reshape([.. input.Shape, weight.Shape[1]]);
    }

    internal static int NormalizePaddingIdx(int paddingIdx, int numEmbeddings)
    {
        if (paddingIdx >= numEmbeddings || paddingIdx < -numEmbeddings)
            throw new ArgumentException($"embedding: Padding_idx must be within num_embeddings (got padding_idx={paddingIdx}, num_embeddings={numEmbeddings}).", nameof(paddingIdx));
        return paddingIdx < 0 ? paddingIdx + numEmbeddings : paddingIdx;
    }

    /// <summary>
    /// y = x1^T A x2 + b for each output feature (<c>F.bilinear</c>): <paramref name="input1"/> is
    /// (*, in1), <paramref name="input2"/> (*, in2) with the same leading dims, <paramref name="weight"/>
    /// [out, in1, in2] and <paramref name="bias"/> [out]; the result is (*, out).
    /// </summary>
    /// <exception cref="ArgumentException">The shapes do not fit together.</exception>
    public static Tensor Bilinear(Tensor input1, Tensor input2, Tensor weight, Tensor? bias = null)
    {
        ArgumentNullException.ThrowIfNull(input1);
        ArgumentNullException.ThrowIfNull(input2);
        ArgumentNullException.ThrowIfNull(weight);
        if (weight.NDim != 3) throw new ArgumentException($"bilinear: expected a 3-d weight [out, in1, in2], got shape {weight.Shape}.");
        int o = weight.Shape[0], in1 = weight.Shape[1], in2 = weight.Shape[2];
        if (input1.NDim != input2.NDim)
            throw new ArgumentException($"bilinear: input1 and input2 must have the same number of dimensions, but got {input1.NDim} and {input2.NDim}.");
        if (input1.NDim == 0 || !input1.Shape.Take(input1.NDim - 1).SequenceEqual(input2.Shape.Take(input2.NDim - 1)))
            throw new ArgumentException($"bilinear: input batch dimensions do not match: got {input1.Shape} and {input2.Shape}.");
        if (input1.Shape[^1] != in1) throw new ArgumentException($"bilinear: input1 size does not match weight size: got {input1.Shape[^1]} but expected {in1}.");
        if (input2.Shape[^1] != in2) throw new ArgumentException($"bilinear: input2 size does not match weight size: got {input2.Shape[^1]} but expected {in2}.");
        if (bias is not null && (bias.NDim != 1 || bias.Shape[0] != o))
            throw new ArgumentException($"bilinear: bias size does not match weight size: got {bias.Shape} but expected [{o}].");
        int[] lead = input1.Shape.Take(input1.NDim - 1).ToArray();
        var a = input1.Reshape(-1, in1);
        var b = input2.Reshape(-1, in2);
        // t[n, o, j] = sum_i a[n, i] W[o, i, j], then y[n, o] = sum_j t[n, o, j] b[n, j].
        var t = a.MatMul(weight.Permute(1, 0, 2).Reshape(in1, o * in2)).Reshape(-1, o, in2);
        var y = (t * b.Unsqueeze(1)).Sum(2);
        if (bias is not null) y = y + bias;
        return y.Reshape([.. lead, o]);
    }
}
