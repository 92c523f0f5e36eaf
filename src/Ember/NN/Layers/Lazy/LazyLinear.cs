namespace Ember.NN;

/// <summary>
/// A <see cref="Linear"/> whose <c>in_features</c> is inferred from the first input (<c>nn.LazyLinear</c>):
/// the weight and bias are uninitialized (<see cref="Tensor.IsLazy"/>) until the first forward, which
/// sets <see cref="Linear.InFeatures"/> to the input's last size, materializes them and draws them as
/// <see cref="Linear"/> does, so the same seed gives PyTorch's weights. From then on the module is a
/// <see cref="Linear"/> in all but its .NET type: it prints as <c>Linear(...)</c>, as PyTorch's changes
/// class. Parameters keep their identity, so an optimizer built before the first forward (PyTorch allows
/// it) updates them afterwards. Loading a state dict into it materializes what the dict holds
/// (PyTorch's <c>_lazy_load_hook</c>); unlike PyTorch, which leaves <c>in_features</c> at 0 then,
/// <see cref="Linear.InFeatures"/> is read from the loaded weight.
/// </summary>
public sealed class LazyLinear : Linear, ILazyModule
{
    private bool _lazy = true;

    /// <summary>Creates the layer (<c>nn.LazyLinear(out_features, bias)</c>); warns, as PyTorch does, that lazy modules are new.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="outFeatures"/> is negative.</exception>
    public LazyLinear(int outFeatures, bool bias = true, DType? dtype = null, Device? device = null) : base(outFeatures, bias, dtype, device)
    {
        LazyModules.WarnCreated();
    }

    /// <inheritdoc/>
    public bool HasUninitializedParams() => LazyModules.HasUninitialized(this);

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The input is 0-d (it has no last dimension to read in_features from).</exception>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (_lazy) Initialize(input);
        return base.Forward(input);
    }

    // PyTorch's initialize_parameters, run once, before the first forward.
    private void Initialize(Tensor input)
    {
        if (HasUninitializedParams())
        {
            LazyModules.RefusePartial(this, "LazyLinear");
            if (input.NDim == 0)
                throw new ArgumentException($"LazyLinear: expected an input with at least 1 dimension to infer in_features from, got shape {input.Shape}.");
            using (Autograd.NoGrad())
            {
                InFeatures = input.Size(-1);
                Weight.Materialize([OutFeatures, InFeatures]);
                Bias?.Materialize([OutFeatures]);
                ResetParameters();
            }
        }
        _lazy = false;
    }

    private protected override void BeforeLoadingState(IReadOnlyDictionary<string, Tensor> stateDict, string prefix)
    {
        if (!HasUninitializedParams()) return;
        LazyModules.MaterializeFrom(this, stateDict, prefix);
        if (!Weight.IsLazy && Weight.NDim == 2) InFeatures = Weight.Size(1);
    }

    /// <inheritdoc/>
    protected internal override string TypeName() => _lazy ? "LazyLinear" : "Linear";
}
