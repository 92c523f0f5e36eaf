namespace Ember.Distributions;

/// <summary>
/// The Kumaraswamy distribution on [0, 1] (<c>torch.distributions.Kumaraswamy(concentration1, concentration0)</c>):
/// a <see cref="Uniform"/>(0, 1) through <c>x^(1/concentration0)</c>, <c>1 - x</c> and <c>x^(1/concentration1)</c>.
/// </summary>
/// <remarks>Samples are the uniform's, transformed: the same seed gives PyTorch's samples; reparameterized.</remarks>
public sealed class Kumaraswamy : TransformedDistribution
{
    private const double EulerGamma = 0.57721566490153286060;
    private static readonly (string, Constraint)[] Args = [("concentration1", Constraint.Positive), ("concentration0", Constraint.Positive)];

    /// <summary>Creates the distribution; the parameters broadcast to the batch shape.</summary>
    /// <exception cref="ArgumentException">(When validating) a parameter is not positive.</exception>
    public Kumaraswamy(Tensor concentration1, Tensor concentration0, bool? validateArgs = null)
        : this(BroadcastAll("Kumaraswamy", concentration1, concentration0), validateArgs) { }

    private Kumaraswamy(Tensor[] p, bool? validateArgs)
        : base(new Uniform(Tensor.FullLike(p[1], 0.0), Tensor.FullLike(p[1], 1.0), validateArgs),
            [new PowerTransform(p[1].Reciprocal()), new AffineTransform(1.0, -1.0), new PowerTransform(p[0].Reciprocal())], validateArgs)
    {
        Concentration1 = p[0];
        Concentration0 = p[1];
        ValidateParameters();
    }

    /// <summary>The first shape parameter a.</summary>
    public Tensor Concentration1 { get; }
    /// <summary>The second shape parameter b.</summary>
    public Tensor Concentration0 { get; }
    /// <inheritdoc/>
    public override bool HasRSample => true;
    /// <inheritdoc/>
    public override Constraint Support => Constraint.UnitInterval;
    /// <inheritdoc/>
    public override IReadOnlyList<(string Name, Constraint Constraint)> ArgConstraints => Args;
    /// <inheritdoc/>
    protected override Tensor ParameterValue(string name) => name == "concentration1" ? Concentration1 : Concentration0;
    /// <inheritdoc/>
    public override Kumaraswamy Expand(int[] batchShape)
    {
        batchShape = CheckExpand(batchShape);
        return WithValidation(new Kumaraswamy([Concentration1.Expand(batchShape), Concentration0.Expand(batchShape)], false));
    }

    // E[X^n] = b · B(1 + n/a, b) (_moments).
    private static Tensor Moments(Tensor a, Tensor b, int n)
    {
        var arg1 = 1 + n / a;
        var logValue = arg1.Lgamma() + b.Lgamma() - (arg1 + b).Lgamma();
        return b * logValue.Exp();
    }

    /// <inheritdoc/>
    public override Tensor Mean => Moments(Concentration1, Concentration0, 1);
    /// <inheritdoc/>
    public override Tensor Variance => Moments(Concentration1, Concentration0, 2) - Mean.Pow(2);

    /// <inheritdoc/>
    public override Tensor Entropy()
    {
        var t1 = 1 - Concentration1.Reciprocal();
        var t0 = 1 - Concentration0.Reciprocal();
        var h0 = (Concentration0 + 1).Digamma() + EulerGamma;
        return t0 + t1 * h0 - Concentration1.Log() - Concentration0.Log();
    }
}
