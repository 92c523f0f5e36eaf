using Ember.NN;

namespace Ember.Distributions;

/// <summary>
/// The number of failures before the first success in Bernoulli trials of success probability
/// <see cref="Probs"/> (<c>torch.distributions.Geometric(probs=None, logits=None)</c>).
/// </summary>
/// <remarks><see cref="Distribution.Sample"/> is <c>floor(log(u) / log1p(-p))</c> with <c>u = uniform_(tiny, 1)</c>, as PyTorch: the same seed gives PyTorch's samples.</remarks>
public sealed class Geometric : Distribution
{
    private readonly bool _fromProbs;
    private Tensor? _probs, _logits;

    /// <summary>Creates the distribution from exactly one of <paramref name="probs"/> or <paramref name="logits"/>.</summary>
    /// <exception cref="ArgumentException">Both or neither are given, or (when validating) a probability is not in (0, 1].</exception>
    public Geometric(Tensor? probs = null, Tensor? logits = null, bool? validateArgs = null)
        : base(ProbsOrLogits(probs, logits).Shape, [], validateArgs)
    {
        if (probs is not null) { _fromProbs = true; _probs = BroadcastAll("Geometric", probs)[0]; }
        else _logits = BroadcastAll("Geometric", logits!)[0];
        ValidateParameters();
        if (ValidateArgs && _fromProbs)
        {
            using var _ = Autograd.NoGrad();
            var valid = _probs! > 0.0;
            if (!valid.All().Item<bool>())
                throw new ArgumentException($"Expected parameter probs (Tensor of shape {_probs!.Shape}) of distribution {this} to be positive but found invalid values:\n{_probs.MaskedSelect(valid.LogicalNot())}", nameof(probs));
        }
    }

    internal static Tensor ProbsOrLogits(Tensor? probs, Tensor? logits)
    {
        if ((probs is null) == (logits is null))
            throw new ArgumentException("Either `probs` or `logits` must be specified, but not both.");
        return probs ?? logits!;
    }

    /// <summary>The success probability.</summary>
    public Tensor Probs => _probs ??= _logits!.Sigmoid();

    /// <summary>The log-odds of success.</summary>
    public Tensor Logits => _logits ??= ProbsToLogits(_probs!);

    internal static Tensor ProbsToLogits(Tensor probs)
    {
        var p = ClampProbs(probs);
        return p.Log() - (-p).Log1p();
    }

    /// <inheritdoc/>
    public override Constraint Support => Constraint.NonNegativeInteger;
    /// <inheritdoc/>
    public override IReadOnlyList<(string Name, Constraint Constraint)> ArgConstraints =>
        _fromProbs ? [("probs", Constraint.UnitInterval)] : [("logits", Constraint.Real)];
    /// <inheritdoc/>
    protected override Tensor ParameterValue(string name) => _fromProbs ? _probs! : _logits!;
    /// <inheritdoc/>
    public override Tensor Mean => 1.0 / Probs - 1.0;
    /// <inheritdoc/>
    public override Tensor Variance => (1.0 / Probs - 1.0) / Probs;

    /// <inheritdoc/>
    public override Tensor Sample(int[]? sampleShape = null, Generator? generator = null)
    {
        using var _ = Autograd.NoGrad();
        double tiny = Tensor.FInfo(Probs.DType).Tiny;
        var u = Tensor.Empty(ExtendedShape(sampleShape), Probs.DType, Probs.Device).Uniform_(tiny, 1, generator);
        return (u.Log() / (-Probs).Log1p()).Floor();
    }

    /// <inheritdoc/>
    public override Tensor LogProb(Tensor value)
    {
        ValidateSample(value);
        var p = BroadcastAll("Geometric.log_prob", value, Probs);
        // probs[(probs == 1) & (value == 0)] = 0: log P(0) = log 1 when p = 1, not 0 · log 0.
        var probs = Tensor.Where(p[1].Eq(1.0).LogicalAnd(p[0].Eq(0.0)), 0.0, p[1]);
        return p[0] * (-probs).Log1p() + Probs.Log();
    }

    /// <inheritdoc/>
    public override Tensor Entropy() => F.BinaryCrossEntropyWithLogits(Logits, Probs, reduction: Reduction.None) / Probs;

    /// <inheritdoc/>
    public override Geometric Expand(int[] batchShape)
    {
        int[] b = CheckExpand(batchShape);
        return WithValidation(_fromProbs ? new Geometric(_probs!.Expand(b), validateArgs: false) : new Geometric(logits: _logits!.Expand(b), validateArgs: false));
    }
}
