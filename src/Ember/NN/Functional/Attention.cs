namespace Ember.NN;

// Scaled dot-product attention composed from recorded ops (matmul, masked_fill, softmax, dropout), so
// it needs no derivative row and is differentiable to any order those ops are. This is PyTorch 2's
// "math" reference implementation; its fused kernels compute the same function.
public static partial class F
{
    /// <summary>
    /// softmax(Q·Kᵀ·scale + bias)·V (<c>F.scaled_dot_product_attention</c>, PyTorch 2 semantics). Query is
    /// [..., L, E], key [..., S, E] and value [..., S, Ev]; the leading (batch, head) dims broadcast
    /// together and the result is [..., L, Ev].
    /// <list type="bullet">
    /// <item><paramref name="attnMask"/> broadcasts to [..., L, S]: a bool mask says which positions take
    /// part (true = attend; false becomes −∞ before the softmax), a float mask is added to the scores.</item>
    /// <item><paramref name="isCausal"/> lets query i attend to keys 0..i only (a lower-triangular mask
    /// aligned at the top left); it may not be combined with an explicit mask.</item>
    /// <item><paramref name="dropoutP"/> drops attention weights with that probability (and scales the rest
    /// by 1/(1−p)), always, as PyTorch does: pass 0 in evaluation.</item>
    /// <item><paramref name="scale"/> defaults to 1/√E.</item>
    /// </list>
    /// A query row whose keys are all masked gives NaN, as PyTorch's math implementation does (and as
    /// <c>nn.MultiheadAttention</c> does).
    /// </summary>
    /// <exception cref="ArgumentException">Fewer than 2 dims, mismatched dtypes, devices or sizes, a mask of
    /// another dtype than bool or floating, or a mask together with <paramref name="isCausal"/>.</exception>
    public static Tensor ScaledDotProductAttention(Tensor query, Tensor key, Tensor value, Tensor? attnMask = null,
        double dropoutP = 0, bool isCausal = false, double? scale = null)
    {
        const string op = "scaled_dot_product_attention";
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        if (query.DType != key.DType || query.DType != value.DType)
            throw new ArgumentException($"{op}: Expected query, key, and value to have the same dtype, but got query.dtype: {query.DType.TorchName()} " +
                $"key.dtype: {key.DType.TorchName()} and value.dtype: {value.DType.TorchName()} instead.");
        if (query.Device != key.Device || query.Device != value.Device)
            throw new ArgumentException($"{op}: Expected query, key, and value to have the same device type, but got query.device: {query.Device} " +
                $"key.device: {key.Device} and value.device: {value.Device} instead.");
        if (query.NDim < 2 || key.NDim < 2 || value.NDim < 2)
            throw new ArgumentException($"{op}: Expected query, key, and value to all be at least 2 dimensional, but got query.dim: {query.NDim} " +
                $"key.dim: {key.NDim} and value.dim: {value.NDim} instead.");
        if (!query.DType.IsFloatingPoint())
            throw new ArgumentException($"{op}: expected floating-point query, key and value, got {query.DType.TorchName()}.");
        if (query.Shape[^1] != key.Shape[^1])
            throw new ArgumentException($"{op}: query {query.Shape} and key {key.Shape} must have the same embedding size (last dim), got {query.Shape[^1]} and {key.Shape[^1]}.");
        if (key.Shape[^2] != value.Shape[^2])
            throw new ArgumentException($"{op}: key {key.Shape} and value {value.Shape} must have the same sequence length (dim -2), got {key.Shape[^2]} and {value.Shape[^2]}.");
        if (attnMask is not null)
        {
            if (attnMask.DType != DType.Bool && !attnMask.DType.IsFloatingPoint())
                throw new ArgumentException($"{op}: Expected attn_mask dtype to be bool or float or to match query dtype, but got attn_mask.dtype: " +
                    $"{attnMask.DType.TorchName()} and query.dtype: {query.DType.TorchName()} instead.");
            if (isCausal)
                throw new ArgumentException($"{op}: Explicit attn_mask should not be set when is_causal=True");
        }
        if (!(dropoutP >= 0 && dropoutP <= 1))
            throw new ArgumentException($"{op}: dropout probability has to be between 0 and 1, but got {PyRepr.Float(dropoutP)}");

        int l = query.Shape[^2], s = key.Shape[^2];
        double factor = scale ?? 1.0 / Math.Sqrt(query.Shape[^1]);
        var scores = query.MatMul(key.Transpose(-2, -1)) * factor;
        if (isCausal)
            attnMask = Tensor.Ones([l, s], DType.Bool, query.Device).Tril();
        if (attnMask is not null)
        {
            // Broadcasting is checked here, with the names the user knows.
            var target = scores.Shape.ToArray();
            try { Dims.Broadcast(target, attnMask.Shape.ToArray(), op); }
            catch (ArgumentException)
            {
                throw new ArgumentException($"{op}: attn_mask of shape {attnMask.Shape} does not broadcast to the attention scores' shape {scores.Shape} ([..., L, S]).");
            }
            scores = attnMask.DType == DType.Bool
                ? scores.MaskedFill(attnMask.LogicalNot(), double.NegativeInfinity)
                : scores + attnMask;
        }
        var weights = scores.Softmax(-1);
        if (dropoutP > 0) weights = Dropout(weights, dropoutP, training: true);
        return weights.MatMul(value);
    }
}
