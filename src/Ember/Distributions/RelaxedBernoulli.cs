namespace Ember.Distributions;

/// <summary>
/// The logit of a <see cref="RelaxedBernoulli"/> (the binary Concrete distribution) at temperature
/// <see cref="Temperature"/>, given by <c>probs</c> or <c>logits</c>
/// (<c>torch.distributions.LogitRelaxedBernoulli(temperature, probs=None, logits=None)</c>).
/// </summary>
/// <remarks>
/// <see cref="RSample"/> is <c>(logit(u) + logits) / temperature</c> with u from <c>Tensor.Rand</c>
/// clamped into [eps, 1 - eps]: the same seed gives PyTorch's samples. As in PyTorch, <see cref="Distribution.HasRSample"/>
/// is false although <see cref="RSample"/> works (<see cref="RelaxedBernoulli"/> relies on it).
/// </remarks>
public sealed class LogitRelaxedBernoulli : Distribution
{
    private readonly bool _fromProbs;
    private Tensor? _probs, _logits;

    /// <summary>Creates the distribution from a temperature and exactly one of <paramref name="probs"/> or <paramref name="logits"/>.</summary>
    /// <exception cref="ArgumentException">Both or neither are given, or (when validating) a probability lies outside [0, 1].</exception>
    public LogitRelaxedBernoulli(Tensor temperature, Tensor? probs = null, Tensor? logits = null, bool? validateArgs = null)
        : base(BinaryParameters.Check(probs, logits).Shape, [], validateArgs)
    {
        ArgumentNullException.ThrowIfNull(temperature);
        Temperature = temperature;
        if (probs is not null) { _fromProbs = true; _probs = BroadcastAll("LogitRelaxedBernoulli", probs)[0]; }
        else _logits = BroadcastAll("LogitRelaxedBernoulli", logits!)[0];
        ValidateParameters();
    }

    private LogitRelaxedBernoulli(LogitRelaxedBernoulli d, int[] batchShape)
        : base(batchShape, [], d.ValidateArgs)
    {
        Temperature = d.Temperature;
        _fromProbs = d._fromProbs;
        if (d._probs is not null) _probs = d._probs.Expand(batchShape);
        if (d._logits is not null) _logits = d._logits.Expand(batchShape);
    }

    /// <summary>The relaxation temperature.</summary>
    public Tensor Temperature { get; }

    /// <summary>The probability of 1, of the batch shape.</summary>
    public Tensor Probs => _probs ??= _logits!.Sigmoid();

    /// <summary>The log-odds (of probabilities clamped into [eps, 1 - eps]).</summary>
    public Tensor Logits => _logits ??= BinaryParameters.ProbsToLogits(_probs!);

    /// <inheritdoc/>
    public override Constraint Support => Constraint.Real;

    /// <inheritdoc/>
    public override IReadOnlyList<(string Name, Constraint Constraint)> ArgConstraints =>
        _fromProbs ? [("probs", Constraint.UnitInterval)] : [("logits", Constraint.Real)];

    /// <inheritdoc/>
    protected override Tensor ParameterValue(string name) => _fromProbs ? _probs! : _logits!;

    /// <inheritdoc/>
    public override LogitRelaxedBernoulli Expand(int[] batchShape) => new(this, CheckExpand(batchShape));

    /// <inheritdoc/>
    public override Tensor RSample(int[]? sampleShape = null, Generator? generator = null)
    {
        int[] shape = ExtendedShape(sampleShape);
        var probs = ClampProbs(Probs.Expand(shape));
        var uniforms = ClampProbs(Tensor.Rand(shape, generator, probs.DType, probs.Device));
        return (uniforms.Log() - (-uniforms).Log1p() + probs.Log() - (-probs).Log1p()) / Temperature;
    }

    /// <inheritdoc/>
    public override Tensor LogProb(Tensor value)
    {
        ValidateSample(value);
        var diff = Logits - value * Temperature;
        return Temperature.Log() + diff - 2 * diff.Exp().Log1p();
    }
}

/// <summary>
/// The relaxed (Concrete) Bernoulli distribution on (0, 1) at temperature <see cref="Temperature"/>
/// (<c>torch.distributions.RelaxedBernoulli(temperature, probs=None, logits=None)</c>): a
/// <see cref="LogitRelaxedBernoulli"/> through <see cref="SigmoidTransform"/>, reparameterized.
/// </summary>
/// <remarks>Samples are the base's, squashed: the same seed gives PyTorch's samples.</remarks>
public sealed class RelaxedBernoulli : TransformedDistribution
{
    /// <summary>Creates the distribution from a temperature and exactly one of <paramref name="probs"/> or <paramref name="logits"/>.</summary>
    /// <exception cref="ArgumentException">As for <see cref="LogitRelaxedBernoulli"/>.</exception>
    public RelaxedBernoulli(Tensor temperature, Tensor? probs = null, Tensor? logits = null, bool? validateArgs = null)
        : base(new LogitRelaxedBernoulli(temperature, probs, logits), new SigmoidTransform(), validateArgs) { }

    private RelaxedBernoulli(Distribution expandedBase, bool validateArgs) : base(expandedBase, new SigmoidTransform(), validateArgs) { }

    private LogitRelaxedBernoulli Base => (LogitRelaxedBernoulli)BaseDist;
    /// <summary>The relaxation temperature.</summary>
    public Tensor Temperature => Base.Temperature;
    /// <summary>The probability of 1.</summary>
    public Tensor Probs => Base.Probs;
    /// <summary>The log-odds.</summary>
    public Tensor Logits => Base.Logits;
    /// <inheritdoc/>
    public override bool HasRSample => true;
    /// <inheritdoc/>
    public override Constraint Support => Constraint.UnitInterval;
    /// <inheritdoc/>
    public override IReadOnlyList<(string Name, Constraint Constraint)> ArgConstraints => Base.ArgConstraints;
    /// <inheritdoc/>
    protected override Tensor ParameterValue(string name) => name == "probs" ? Probs : Logits;
    /// <inheritdoc/>
    public override RelaxedBernoulli Expand(int[] batchShape) => new(Base.Expand(CheckExpand(batchShape)), ValidateArgs);
}

// probs/logits helpers shared by the binary distributions (probs_to_logits(is_binary=True)).
internal static class BinaryParameters
{
    public static Tensor Check(Tensor? probs, Tensor? logits)
    {
        if ((probs is null) == (logits is null))
            throw new ArgumentException("Either `probs` or `logits` must be specified, but not both.");
        return probs ?? logits!;
    }

    public static Tensor ProbsToLogits(Tensor probs)
    {
        var p = Distribution.ClampProbs(probs);
        return p.Log() - (-p).Log1p();
    }
}
