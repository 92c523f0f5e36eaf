namespace Ember.Distributions;

/// <summary>
/// The beta distribution on [0, 1] (<c>torch.distributions.Beta(concentration1, concentration0)</c>),
/// built, as in PyTorch, on a <see cref="Distributions.Dirichlet"/> over <c>[concentration1, concentration0]</c>.
/// </summary>
/// <remarks>Samples are the first component of the Dirichlet's: the same seed gives PyTorch's samples, and <see cref="RSample"/> carries the Dirichlet's reparameterized gradient.</remarks>
public sealed class Beta : Distribution
{
    private static readonly (string, Constraint)[] Args = [("concentration1", Constraint.Positive), ("concentration0", Constraint.Positive)];
    private readonly Dirichlet _dirichlet;

    /// <summary>Creates the distribution; the parameters broadcast to the batch shape.</summary>
    /// <exception cref="ArgumentException">(When validating) a parameter is not positive.</exception>
    public Beta(Tensor concentration1, Tensor concentration0, bool? validateArgs = null)
        : this(BroadcastAll("Beta", concentration1, concentration0), validateArgs) { }

    private Beta(Tensor[] p, bool? validateArgs) : base(p[0].Shape, [], validateArgs)
    {
        Concentration1 = p[0];
        Concentration0 = p[1];
        ValidateParameters();
        _dirichlet = new Dirichlet(Tensor.Stack([p[0], p[1]], -1), validateArgs);
    }

    /// <summary>The first concentration α (weight of 1).</summary>
    public Tensor Concentration1 { get; }

    /// <summary>The second concentration β (weight of 0).</summary>
    public Tensor Concentration0 { get; }

    /// <inheritdoc/>
    public override Constraint Support => Constraint.UnitInterval;

    /// <inheritdoc/>
    public override IReadOnlyList<(string Name, Constraint Constraint)> ArgConstraints => Args;

    /// <inheritdoc/>
    protected override Tensor ParameterValue(string name) => name == "concentration1" ? Concentration1 : Concentration0;

    /// <inheritdoc/>
    public override Tensor Mean => Concentration1 / (Concentration1 + Concentration0);

    /// <inheritdoc/>
    public override Tensor Variance
    {
        get
        {
            var total = Concentration1 + Concentration0;
            return Concentration1 * Concentration0 / (total.Pow(2) * (total + 1));
        }
    }

    /// <inheritdoc/>
    public override bool HasRSample => true;

    /// <inheritdoc/>
    public override Tensor RSample(int[]? sampleShape = null, Generator? generator = null) =>
        _dirichlet.RSample(sampleShape, generator).Select(-1, 0);

    /// <inheritdoc/>
    public override Tensor LogProb(Tensor value)
    {
        ValidateSample(value);
        value = value.To(Concentration1.DType);
        return _dirichlet.LogProb(Tensor.Stack([value, 1.0 - value], -1));
    }

    /// <inheritdoc/>
    public override Tensor Entropy() => _dirichlet.Entropy();

    /// <inheritdoc/>
    public override Beta Expand(int[] batchShape)
    {
        int[] b = CheckExpand(batchShape);
        return WithValidation(new Beta(Concentration1.Expand(b), Concentration0.Expand(b), false));
    }
}
