namespace Ember.NN;

/// <summary>
/// The computation behind <see cref="MultiheadAttention"/>, PyTorch's <c>F.multi_head_attention_forward</c>
/// step by step (sequence-first layout), with masks merged as PyTorch 2 does (<c>_canonical_mask</c>:
/// each mask made a float mask of the query's dtype, then added). Error texts are PyTorch's.
/// </summary>
internal static class MultiheadAttentionMath
{
    private const string Op = "MultiheadAttention";

    /// <summary>PyTorch's <c>_mha_shape_check</c>: true for batched (3-d) input.</summary>
    public static bool CheckShapes(Tensor query, Tensor key, Tensor value, Tensor? keyPaddingMask, Tensor? attnMask, int numHeads)
    {
        if (query.NDim == 3)
        {
            if (key.NDim != 3 || value.NDim != 3)
                throw new ArgumentException($"{Op}: For batched (3-D) `query`, expected `key` and `value` to be 3-D but found {key.NDim}-D and {value.NDim}-D tensors respectively");
            if (keyPaddingMask is not null && keyPaddingMask.NDim != 2)
                throw new ArgumentException($"{Op}: For batched (3-D) `query`, expected `key_padding_mask` to be `None` or 2-D but found {keyPaddingMask.NDim}-D tensor instead");
            if (attnMask is not null && attnMask.NDim is not (2 or 3))
                throw new ArgumentException($"{Op}: For batched (3-D) `query`, expected `attn_mask` to be `None`, 2-D or 3-D but found {attnMask.NDim}-D tensor instead");
            return true;
        }
        if (query.NDim == 2)
        {
            if (key.NDim != 2 || value.NDim != 2)
                throw new ArgumentException($"{Op}: For unbatched (2-D) `query`, expected `key` and `value` to be 2-D but found {key.NDim}-D and {value.NDim}-D tensors respectively");
            if (keyPaddingMask is not null && keyPaddingMask.NDim != 1)
                throw new ArgumentException($"{Op}: For unbatched (2-D) `query`, expected `key_padding_mask` to be `None` or 1-D but found {keyPaddingMask.NDim}-D tensor instead");
            if (attnMask is not null)
            {
                if (attnMask.NDim is not (2 or 3))
                    throw new ArgumentException($"{Op}: For unbatched (2-D) `query`, expected `attn_mask` to be `None`, 2-D or 3-D but found {attnMask.NDim}-D tensor instead");
                if (attnMask.NDim == 3)
                {
                    int[] expected = [numHeads, query.Shape[0], key.Shape[0]];
                    if (!attnMask.Shape.SequenceEqual(expected))
                        throw new ArgumentException($"{Op}: Expected `attn_mask` shape to be {Shape.Format(expected)} but got {attnMask.Shape}");
                }
            }
            return false;
        }
        throw new ArgumentException($"{Op}: query should be unbatched 2D or batched 3D tensor but received {query.NDim}-D query tensor");
    }

    /// <summary>Runs the layer on sequence-first (or unbatched) inputs.</summary>
    public static (Tensor Output, Tensor? Weights) Forward(MultiheadAttention m, Tensor query, Tensor key, Tensor value,
        Tensor? keyPaddingMask, bool needWeights, Tensor? attnMask, bool averageAttnWeights, bool batched)
    {
        // The identities tell the packed projection which inputs it may project together.
        bool selfAttention = ReferenceEquals(query, key) && ReferenceEquals(key, value);
        bool sharedKv = ReferenceEquals(key, value);
        if (!batched)
        {
            query = query.Unsqueeze(1);
            key = selfAttention ? query : key.Unsqueeze(1);
            value = sharedKv ? key : value.Unsqueeze(1);
            keyPaddingMask = keyPaddingMask?.Unsqueeze(0);
        }
        int tgtLen = query.Shape[0], bsz = query.Shape[1], embedDim = query.Shape[2];
        int srcLen = key.Shape[0];
        int heads = m.NumHeads, headDim = m.HeadDim;
        var dtype = query.DType;

        if (embedDim != m.EmbedDim)
            throw new ArgumentException($"{Op}: was expecting embedding dimension of {m.EmbedDim}, but got {embedDim} (query shape {query.Shape})");
        if (key.Shape[2] != m.KDim || value.Shape[2] != m.VDim)
            throw new ArgumentException($"{Op}: expected key with {m.KDim} and value with {m.VDim} features (kdim, vdim), got key {key.Shape} and value {value.Shape}");
        if (key.Shape[1] != bsz)
            throw new ArgumentException($"{Op}: query {query.Shape} and key {key.Shape} must have the same batch size, got {bsz} and {key.Shape[1]}");
        if (m.QkvSameEmbedDim ? !key.Shape.SequenceEqual(value.Shape) : key.Shape[0] != value.Shape[0] || key.Shape[1] != value.Shape[1])
            throw new ArgumentException(m.QkvSameEmbedDim
                ? $"{Op}: key shape {key.Shape} does not match value shape {value.Shape}"
                : $"{Op}: key's sequence and batch dims [{key.Shape[0]}, {key.Shape[1]}] do not match value's [{value.Shape[0]}, {value.Shape[1]}]");
        if (!dtype.IsFloatingPoint() || key.DType != dtype || value.DType != dtype)
            throw new ArgumentException($"{Op}: expected query, key and value of one floating dtype, got {dtype.TorchName()}, {key.DType.TorchName()} and {value.DType.TorchName()}");

        var kpm = CanonicalMask(keyPaddingMask, "key_padding_mask", dtype);
        if (kpm is not null && !kpm.Shape.SequenceEqual([bsz, srcLen]))
            throw new ArgumentException($"{Op}: expecting key_padding_mask shape of ({bsz}, {srcLen}), but got {keyPaddingMask!.Shape}");
        var mask = CanonicalMask(attnMask, "attn_mask", dtype);
        if (mask is not null)
        {
            if (mask.NDim == 2)
            {
                if (!mask.Shape.SequenceEqual([tgtLen, srcLen]))
                    throw new ArgumentException($"{Op}: The shape of the 2D attn_mask is {mask.Shape}, but should be ({tgtLen}, {srcLen}).");
                mask = mask.Unsqueeze(0);
            }
            else if (!mask.Shape.SequenceEqual([bsz * heads, tgtLen, srcLen]))
                throw new ArgumentException($"{Op}: The shape of the 3D attn_mask is {mask.Shape}, but should be ({bsz * heads}, {tgtLen}, {srcLen}).");
        }

        var (q, k, v) = Project(m, query, key, value, selfAttention, sharedKv);

        if (m.BiasK is not null && m.BiasV is not null)
        {
            k = Tensor.Cat([k, m.BiasK.Repeat(1, bsz, 1)]);
            v = Tensor.Cat([v, m.BiasV.Repeat(1, bsz, 1)]);
            mask = mask is null ? null : F.Pad(mask, [0, 1]);
            kpm = kpm is null ? null : F.Pad(kpm, [0, 1]);
        }

        // [T, N, E] -> [N*H, T, head_dim]: batch-major heads, as PyTorch lays them out.
        q = q.Reshape(tgtLen, bsz * heads, headDim).Transpose(0, 1);
        k = k.Reshape(k.Shape[0], bsz * heads, headDim).Transpose(0, 1);
        v = v.Reshape(v.Shape[0], bsz * heads, headDim).Transpose(0, 1);

        if (m.AddZeroAttn)
        {
            k = Tensor.Cat([k, Tensor.Zeros([bsz * heads, 1, headDim], dtype, k.Device)], 1);
            v = Tensor.Cat([v, Tensor.Zeros([bsz * heads, 1, headDim], dtype, v.Device)], 1);
            mask = mask is null ? null : F.Pad(mask, [0, 1]);
            kpm = kpm is null ? null : F.Pad(kpm, [0, 1]);
        }
        srcLen = k.Shape[1];

        if (kpm is not null)
        {
            var expanded = kpm.View(bsz, 1, 1, srcLen).Expand(-1, heads, -1, -1).Reshape(bsz * heads, 1, srcLen);
            mask = mask is null ? expanded : mask + expanded;
        }

        double dropoutP = m.Training ? m.Dropout : 0;
        var scores = (q / Math.Sqrt(headDim)).MatMul(k.Transpose(-2, -1));
        if (mask is not null) scores = scores + mask;
        var weights = scores.Softmax(-1);
        if (dropoutP > 0) weights = F.Dropout(weights, dropoutP);
        var output = weights.MatMul(v);
        output = output.Transpose(0, 1).Reshape(tgtLen * bsz, embedDim);
        output = m.OutProj.Forward(output).View(tgtLen, bsz, embedDim);

        Tensor? returned = null;
        if (needWeights)
        {
            returned = weights.View(bsz, heads, tgtLen, srcLen);
            if (averageAttnWeights) returned = returned.Sum(1) / heads;
            if (!batched) returned = returned.Squeeze(0);
        }
        if (!batched) output = output.Squeeze(1);
        return (output, returned);
    }

    // PyTorch's _in_projection_packed / _in_projection: one GEMM for self-attention, two when key is value.
    private static (Tensor Q, Tensor K, Tensor V) Project(MultiheadAttention m, Tensor query, Tensor key, Tensor value, bool selfAttention, bool sharedKv)
    {
        int e = m.EmbedDim;
        var b = m.InProjBias;
        Tensor? Bias(int start, int length) => b?.Narrow(0, start, length);
        if (m.InProjWeight is { } w)
        {
            if (selfAttention)
            {
                var qkv = Linear(query, w, b).Chunk(3, -1);
                return (qkv[0], qkv[1], qkv[2]);
            }
            if (sharedKv)
            {
                var kv = Linear(key, w.Narrow(0, e, 2 * e), Bias(e, 2 * e)).Chunk(2, -1);
                return (Linear(query, w.Narrow(0, 0, e), Bias(0, e)), kv[0], kv[1]);
            }
            return (Linear(query, w.Narrow(0, 0, e), Bias(0, e)), Linear(key, w.Narrow(0, e, e), Bias(e, e)), Linear(value, w.Narrow(0, 2 * e, e), Bias(2 * e, e)));
        }
        return (Linear(query, m.QProjWeight!, Bias(0, e)), Linear(key, m.KProjWeight!, Bias(e, e)), Linear(value, m.VProjWeight!, Bias(2 * e, e)));
    }

    private static Tensor Linear(Tensor x, Tensor w, Tensor? b) => F.Linear(x, w, b);

    // PyTorch 2's F._canonical_mask: a bool mask becomes 0 / −∞ of the query's dtype, a float mask is kept.
    private static Tensor? CanonicalMask(Tensor? mask, string name, DType dtype)
    {
        if (mask is null) return null;
        if (mask.DType == DType.Bool)
            return Tensor.Zeros(mask.Shape.ToArray(), dtype, mask.Device).MaskedFill(mask, double.NegativeInfinity);
        if (!mask.DType.IsFloatingPoint())
            throw new ArgumentException($"{Op}: only bool and floating types of {name} are supported, got {mask.DType.TorchName()}");
        return mask;
    }
}
