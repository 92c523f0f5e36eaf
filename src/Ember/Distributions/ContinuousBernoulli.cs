using Ember.NN;

namespace Ember.Distributions;

/// <summary>
/// The continuous Bernoulli distribution on [0, 1], given by <c>probs</c> or <c>logits</c>
/// (<c>torch.distributions.ContinuousBernoulli(probs=None, logits=None, lims=(0.499, 0.501))</c>).
/// Near probs = ½ (inside <c>lims</c>) the log-normaliser, mean and variance use PyTorch's Taylor expansions.
/// </summary>
/// <remarks>
/// <see cref="RSample"/> is <see cref="Icdf"/> of <c>Tensor.Rand</c>: the same seed gives PyTorch's samples.
/// As PyTorch, probabilities are clamped into [eps, 1 - eps] on construction, and an explicit
/// <c>validateArgs</c> (true or false) checks them before the clamp with PyTorch's message
/// "The parameter probs has invalid values"; without it, the clamped values always pass.
/// </remarks>
public sealed class ContinuousBernoulli : Distribution
{
    private readonly bool _fromProbs;
    private Tensor? _probs, _logits;
    private readonly (double Low, double High) _lims;

    /// <summary>Creates the distribution from exactly one of <paramref name="probs"/> or <paramref name="logits"/>.</summary>
    /// <exception cref="ArgumentException">Both or neither are given, or (with an explicit <paramref name="validateArgs"/>) a probability lies outside [0, 1].</exception>
    public ContinuousBernoulli(Tensor? probs = null, Tensor? logits = null, (double Low, double High)? lims = null, bool? validateArgs = null)
        : base(BinaryParameters.Check(probs, logits).Shape, [], validateArgs)
    {
        _lims = lims ?? (0.499, 0.501);
        if (probs is not null)
        {
            _fromProbs = true;
            var p = BroadcastAll("ContinuousBernoulli", probs)[0];
            if (validateArgs is not null)
            {
                using var _ = Autograd.NoGrad();
                if (!Constraint.UnitInterval.Check(p).All().Item<bool>()) throw new ArgumentException("The parameter probs has invalid values", nameof(probs));
            }
            _probs = ClampProbs(p);
        }
        else _logits = BroadcastAll("ContinuousBernoulli", logits!)[0];
        ValidateParameters();
    }

    private ContinuousBernoulli(ContinuousBernoulli d, int[] batchShape) : base(batchShape, [], d.ValidateArgs)
    {
        _lims = d._lims;
        _fromProbs = d._fromProbs;
        if (d._probs is not null) _probs = d._probs.Expand(batchShape);
        if (d._logits is not null) _logits = d._logits.Expand(batchShape);
    }

    /// <summary>The parameter λ, clamped into [eps, 1 - eps].</summary>
    public Tensor Probs => _probs ??= ClampProbs(_logits!.Sigmoid());

    /// <summary>The log-odds of λ.</summary>
    public Tensor Logits => _logits ??= BinaryParameters.ProbsToLogits(_probs!);

    /// <inheritdoc/>
    public override bool HasRSample => true;
    /// <inheritdoc/>
    public override Constraint Support => Constraint.UnitInterval;
    /// <inheritdoc/>
    public override IReadOnlyList<(string Name, Constraint Constraint)> ArgConstraints =>
        _fromProbs ? [("probs", Constraint.UnitInterval)] : [("logits", Constraint.Real)];
    /// <inheritdoc/>
    protected override Tensor ParameterValue(string name) => _fromProbs ? _probs! : _logits!;
    /// <inheritdoc/>
    public override ContinuousBernoulli Expand(int[] batchShape) => new(this, CheckExpand(batchShape));

    private Tensor OutsideUnstableRegion() => Probs.Le(_lims.Low).LogicalOr(Probs.Gt(_lims.High));

    private Tensor CutProbs() => Tensor.Where(OutsideUnstableRegion(), Probs, _lims.Low * Tensor.OnesLike(Probs));

    internal Tensor LogNormalizer() => LogNorm();

    private Tensor LogNorm()
    {
        var cut = CutProbs();
        var below = Tensor.Where(cut.Le(0.5), cut, Tensor.ZerosLike(cut));
        var above = Tensor.Where(cut.Ge(0.5), cut, Tensor.OnesLike(cut));
        var logNorm = ((-cut).Log1p() - cut.Log()).Abs().Log()
            - Tensor.Where(cut.Le(0.5), (-2.0 * below).Log1p(), (2.0 * above - 1.0).Log());
        var x = (Probs - 0.5).Pow(2);
        var taylor = Math.Log(2.0) + (4.0 / 3.0 + 104.0 / 45.0 * x) * x;
        return Tensor.Where(OutsideUnstableRegion(), logNorm, taylor);
    }

    /// <inheritdoc/>
    public override Tensor Mean
    {
        get
        {
            var cut = CutProbs();
            var mus = cut / (2.0 * cut - 1.0) + 1.0 / ((-cut).Log1p() - cut.Log());
            var x = Probs - 0.5;
            var taylor = 0.5 + (1.0 / 3.0 + 16.0 / 45.0 * x.Pow(2)) * x;
            return Tensor.Where(OutsideUnstableRegion(), mus, taylor);
        }
    }

    /// <inheritdoc/>
    public override Tensor Variance
    {
        get
        {
            var cut = CutProbs();
            var vars = cut * (cut - 1.0) / (1.0 - 2.0 * cut).Pow(2) + 1.0 / ((-cut).Log1p() - cut.Log()).Pow(2);
            var x = (Probs - 0.5).Pow(2);
            var taylor = 1.0 / 12.0 - (1.0 / 15.0 - 128.0 / 945.0 * x) * x;
            return Tensor.Where(OutsideUnstableRegion(), vars, taylor);
        }
    }

    /// <inheritdoc/>
    public override Tensor RSample(int[]? sampleShape = null, Generator? generator = null) =>
        Icdf(Tensor.Rand(ExtendedShape(sampleShape), generator, Probs.DType, Probs.Device));

    /// <inheritdoc/>
    public override Tensor LogProb(Tensor value)
    {
        ValidateSample(value);
        var shape = Dims.Broadcast(Logits.Shape.AsSpan(), value.Shape.AsSpan(), "ContinuousBernoulli.log_prob");
        return -F.BinaryCrossEntropyWithLogits(Logits.Expand(shape), value.To(Logits.DType).Expand(shape), reduction: Reduction.None) + LogNorm();
    }

    /// <inheritdoc/>
    public override Tensor Cdf(Tensor value)
    {
        ValidateSample(value);
        var cut = CutProbs();
        var cdfs = (cut.Pow(value) * (1.0 - cut).Pow(1.0 - value) + cut - 1.0) / (2.0 * cut - 1.0);
        var unbounded = Tensor.Where(OutsideUnstableRegion(), cdfs, value);
        return Tensor.Where(value.Le(0.0), Tensor.ZerosLike(value), Tensor.Where(value.Ge(1.0), Tensor.OnesLike(value), unbounded));
    }

    /// <inheritdoc/>
    public override Tensor Icdf(Tensor value)
    {
        var cut = CutProbs();
        return Tensor.Where(OutsideUnstableRegion(),
            ((-cut + value * (2.0 * cut - 1.0)).Log1p() - (-cut).Log1p()) / (cut.Log() - (-cut).Log1p()),
            value);
    }

    /// <inheritdoc/>
    public override Tensor Entropy()
    {
        var logProbs0 = (-Probs).Log1p();
        var logProbs1 = Probs.Log();
        return Mean * (logProbs0 - logProbs1) - LogNorm() - logProbs0;
    }
}
