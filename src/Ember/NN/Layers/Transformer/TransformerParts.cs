namespace Ember.NN;

/// <summary>
/// What the Transformer layers share: the activation given by name, argument checks with PyTorch's
/// texts, the causal mask, and PyTorch's <c>copy.deepcopy</c> of a layer (<c>_get_clones</c>).
/// </summary>
internal static class TransformerParts
{
    /// <summary>PyTorch's <c>_get_activation_fn</c>: "relu" is F.relu, "gelu" is F.gelu (exact, not tanh).</summary>
    public static Func<Tensor, Tensor> Activation(string op, string activation) => activation switch
    {
        "relu" => static x => F.Relu(x),
        "gelu" => static x => F.Gelu(x),
        _ => throw new ArgumentException($"{op}: activation should be relu/gelu, not {activation}", nameof(activation)),
    };

    /// <summary>Checks the sizes before any submodule is built, so the message names the Transformer layer.</summary>
    public static void CheckArguments(string op, int dModel, int nhead, int dimFeedforward, double dropout)
    {
        if (dModel <= 0 || nhead <= 0 || dimFeedforward < 0)
            throw new ArgumentException($"{op}: d_model and nhead must be greater than 0 and dim_feedforward non-negative, got d_model={dModel}, nhead={nhead}, dim_feedforward={dimFeedforward}");
        if (dModel % nhead != 0)
            throw new ArgumentException($"{op}: embed_dim must be divisible by num_heads, got d_model={dModel} and nhead={nhead} ({dModel} % {nhead} = {dModel % nhead})");
        if (!(dropout >= 0 && dropout <= 1))
            throw new ArgumentException($"{op}: dropout probability has to be between 0 and 1, but got {PyRepr.Float(dropout)}");
    }

    /// <summary>Checks that <paramref name="x"/> is [seq, d_model] or 3-D with d_model features; true when batched.</summary>
    public static bool CheckInput(string op, string name, Tensor x, int dModel)
    {
        ArgumentNullException.ThrowIfNull(x, name);
        if (x.NDim is not (2 or 3))
            throw new ArgumentException($"{op}: expected {name} to be 2-D (unbatched [seq, d_model]) or 3-D (batched), got a {x.NDim}-D tensor of shape {x.Shape}");
        if (x.Shape[^1] != dModel)
            throw new ArgumentException($"{op}: the feature number of {name} must be equal to d_model ({dModel}), got {name} of shape {x.Shape}");
        return x.NDim == 3;
    }

    /// <summary>The sequence length of a checked input: dim 1 for batch-first batched input, else dim 0.</summary>
    public static int SeqLen(Tensor x, bool batchFirst) => x.NDim == 3 && batchFirst ? x.Shape[1] : x.Shape[0];

    /// <summary>
    /// A float mask [<paramref name="rows"/>, <paramref name="cols"/>]: 0 on and below the diagonal,
    /// −∞ above it (query i sees keys 0..i, aligned at the top left as PyTorch's is_causal).
    /// </summary>
    public static Tensor CausalMask(int rows, int cols, DType? dtype, Device? device) =>
        Tensor.Full([rows, cols], double.NegativeInfinity, dtype ?? DTypes.DefaultFloat, device).Triu(1);

    /// <summary>
    /// PyTorch's <c>copy.deepcopy</c> of a layer: a new layer built by <paramref name="make"/> with the
    /// same configuration, holding copies of <paramref name="original"/>'s parameters and training flags.
    /// Building draws initial weights; the default generator is put back afterwards, because deepcopy
    /// draws nothing and the same seed must give PyTorch's weights for whatever is built next.
    /// </summary>
    public static T DeepCopy<T>(T original, Func<T> make) where T : Module
    {
        var state = Generator.Default.GetState();
        T copy;
        try { copy = make(); }
        finally { Generator.Default.SetState(state); }
        var from = original.NamedParameters().ToArray();
        var to = copy.NamedParameters().ToArray();
        if (!from.Select(p => p.Name).SequenceEqual(to.Select(p => p.Name)))
            throw new InvalidOperationException($"{typeof(T).Name}: cannot copy a layer whose parameters were replaced ([{string.Join(", ", from.Select(p => p.Name))}] vs [{string.Join(", ", to.Select(p => p.Name))}]).");
        using (Autograd.NoGrad())
            for (int i = 0; i < from.Length; i++)
            {
                to[i].Parameter.Copy_(from[i].Parameter);
                to[i].Parameter.RequiresGrad = from[i].Parameter.RequiresGrad;
            }
        // Preorder: a parent's Train sets its subtree, then each child sets its own.
        foreach (var (src, dst) in original.Modules().Zip(copy.Modules())) dst.Train(src.Training);
        return copy;
    }
}
