namespace Ember.Distributions;

/// <summary>
/// The log of a <see cref="RelaxedOneHotCategorical"/> sample (the ExpConcrete distribution) at
/// temperature <see cref="Temperature"/> (<c>torch.distributions.ExpRelaxedCategorical(temperature, probs=None, logits=None)</c>);
/// event shape <c>[K]</c>.
/// </summary>
/// <remarks>
/// <see cref="RSample"/> adds Gumbel noise <c>-log(-log u)</c> (u from <c>Tensor.Rand</c>, clamped)
/// to the logits, divides by the temperature and normalises in log space: the same seed gives PyTorch's samples.
/// </remarks>
public sealed class ExpRelaxedCategorical : Distribution
{
    private readonly Categorical _categorical;

    /// <summary>Creates the distribution from a temperature and exactly one of <paramref name="probs"/> or <paramref name="logits"/> (last dim: the K categories).</summary>
    /// <exception cref="ArgumentException">As for <see cref="Categorical"/>.</exception>
    public ExpRelaxedCategorical(Tensor temperature, Tensor? probs = null, Tensor? logits = null, bool? validateArgs = null)
        : this(temperature, new Categorical(probs, logits), validateArgs) { }

    private ExpRelaxedCategorical(Tensor temperature, Categorical c, bool? validateArgs) : base(c.BatchShape, [c.NumEvents], validateArgs)
    {
        ArgumentNullException.ThrowIfNull(temperature);
        Temperature = temperature;
        _categorical = c;
        ValidateParameters();
    }

    /// <summary>The relaxation temperature.</summary>
    public Tensor Temperature { get; }
    /// <summary>The normalised probabilities.</summary>
    public Tensor Probs => _categorical.Probs;
    /// <summary>The normalised log-probabilities.</summary>
    public Tensor Logits => _categorical.Logits;
    /// <inheritdoc/>
    public override bool HasRSample => true;
    /// <inheritdoc/>
    public override Constraint Support => Constraint.RealVector;
    /// <inheritdoc/>
    public override IReadOnlyList<(string Name, Constraint Constraint)> ArgConstraints => _categorical.ArgConstraints;
    /// <inheritdoc/>
    protected override Tensor ParameterValue(string name) => name == "probs" ? Probs : Logits;
    /// <inheritdoc/>
    public override ExpRelaxedCategorical Expand(int[] batchShape) =>
        new(Temperature, _categorical.Expand(CheckExpand(batchShape)), ValidateArgs);

    /// <inheritdoc/>
    public override Tensor RSample(int[]? sampleShape = null, Generator? generator = null)
    {
        int[] shape = ExtendedShape(sampleShape);
        var uniforms = ClampProbs(Tensor.Rand(shape, generator, Logits.DType, Logits.Device));
        var gumbels = -(-uniforms.Log()).Log();
        var scores = (Logits + gumbels) / Temperature;
        return scores - scores.LogSumExp(-1, keepDim: true);
    }

    /// <inheritdoc/>
    public override Tensor LogProb(Tensor value)
    {
        ValidateSample(value);
        int k = _categorical.NumEvents;
        var logScale = Tensor.FullLike(Temperature, (double)k).Lgamma() - Temperature.Log() * (double)(-(k - 1));
        var score = Logits - value * Temperature;
        score = (score - score.LogSumExp(-1, keepDim: true)).Sum(-1);
        return score + logScale;
    }
}

/// <summary>
/// The relaxed one-hot categorical (Concrete / Gumbel-softmax) distribution on the simplex at
/// temperature <see cref="Temperature"/> (<c>torch.distributions.RelaxedOneHotCategorical(temperature, probs=None, logits=None)</c>):
/// an <see cref="ExpRelaxedCategorical"/> through <see cref="ExpTransform"/>, reparameterized.
/// </summary>
/// <remarks>Samples are the base's, exponentiated: the same seed gives PyTorch's samples.</remarks>
public sealed class RelaxedOneHotCategorical : TransformedDistribution
{
    /// <summary>Creates the distribution from a temperature and exactly one of <paramref name="probs"/> or <paramref name="logits"/>.</summary>
    /// <exception cref="ArgumentException">As for <see cref="Categorical"/>.</exception>
    public RelaxedOneHotCategorical(Tensor temperature, Tensor? probs = null, Tensor? logits = null, bool? validateArgs = null)
        : base(new ExpRelaxedCategorical(temperature, probs, logits, validateArgs), new ExpTransform(), validateArgs) { }

    private RelaxedOneHotCategorical(Distribution expandedBase, bool validateArgs) : base(expandedBase, new ExpTransform(), validateArgs) { }

    private ExpRelaxedCategorical Base => (ExpRelaxedCategorical)BaseDist;
    /// <summary>The relaxation temperature.</summary>
    public Tensor Temperature => Base.Temperature;
    /// <summary>The normalised probabilities.</summary>
    public Tensor Probs => Base.Probs;
    /// <summary>The normalised log-probabilities.</summary>
    public Tensor Logits => Base.Logits;
    /// <inheritdoc/>
    public override bool HasRSample => true;
    /// <inheritdoc/>
    public override Constraint Support => Constraint.Simplex;
    /// <inheritdoc/>
    public override IReadOnlyList<(string Name, Constraint Constraint)> ArgConstraints => Base.ArgConstraints;
    /// <inheritdoc/>
    protected override Tensor ParameterValue(string name) => name == "probs" ? Probs : Logits;
    /// <inheritdoc/>
    public override RelaxedOneHotCategorical Expand(int[] batchShape) => new(Base.Expand(CheckExpand(batchShape)), ValidateArgs);
}
