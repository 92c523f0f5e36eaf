namespace Ember.Distributions;

/// <summary>
/// The two-parameter Weibull distribution with scale λ and shape k (<c>torch.distributions.Weibull(scale, concentration)</c>):
/// as PyTorch, <c>scale · X^(1/k)</c> for X ~ <see cref="Exponential"/>(1), a <see cref="TransformedDistribution"/>.
/// </summary>
/// <remarks>Samples are the exponential's, transformed: the same seed gives PyTorch's samples.</remarks>
public sealed class Weibull : TransformedDistribution
{
    private const double EulerGamma = 0.57721566490153286060;
    private static readonly (string, Constraint)[] Args = [("scale", Constraint.Positive), ("concentration", Constraint.Positive)];

    /// <summary>Creates the distribution; the parameters broadcast to the batch shape.</summary>
    /// <exception cref="ArgumentException">(When validating) a parameter is not positive.</exception>
    public Weibull(Tensor scale, Tensor concentration, bool? validateArgs = null) : this(BroadcastAll("Weibull", scale, concentration), validateArgs) { }

    private Weibull(Tensor[] p, bool? validateArgs)
        : base(new Exponential(Tensor.OnesLike(p[0]), validateArgs: false),
               [new PowerTransform(p[1].Reciprocal()), new AffineTransform(0.0, p[0])], validateArgs)
    {
        Scale = p[0];
        Concentration = p[1];
        ValidateParameters();
    }

    /// <summary>The scale λ.</summary>
    public Tensor Scale { get; }
    /// <summary>The shape k.</summary>
    public Tensor Concentration { get; }
    /// <inheritdoc/>
    public override Constraint Support => Constraint.Positive;
    /// <inheritdoc/>
    public override IReadOnlyList<(string Name, Constraint Constraint)> ArgConstraints => Args;
    /// <inheritdoc/>
    protected override Tensor ParameterValue(string name) => name == "scale" ? Scale : Concentration;
    /// <inheritdoc/>
    public override Tensor Mean => Scale * (1 + Concentration.Reciprocal()).Lgamma().Exp();
    /// <inheritdoc/>
    public override Tensor Variance =>
        Scale.Pow(2) * ((1 + 2 * Concentration.Reciprocal()).Lgamma().Exp() - (2 * (1 + Concentration.Reciprocal()).Lgamma()).Exp());
    /// <inheritdoc/>
    public override Tensor Entropy() => EulerGamma * (1 - Concentration.Reciprocal()) + (Scale * Concentration.Reciprocal()).Log() + 1;

    /// <inheritdoc/>
    public override Weibull Expand(int[] batchShape)
    {
        int[] b = CheckExpand(batchShape);
        return WithValidation(new Weibull(Scale.Expand(b), Concentration.Expand(b), false));
    }
}
