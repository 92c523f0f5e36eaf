namespace Ember.Distributions;

/// <summary>
/// The gamma distribution with shape <see cref="Concentration"/> and inverse scale <see cref="Rate"/>
/// (<c>torch.distributions.Gamma(concentration, rate)</c>).
/// </summary>
/// <remarks>
/// <see cref="Distribution.Sample"/> runs PyTorch's CPU <c>_standard_gamma</c> (Marsaglia and Tsang's loop with the
/// same draws), so the same seed gives PyTorch's samples. <see cref="RSample"/> differentiates the
/// sample with respect to the concentration implicitly, as PyTorch (<c>_standard_gamma_grad</c>:
/// -(∂cdf/∂α) / pdf at the drawn value), and through the division by the rate directly.
/// </remarks>
public class Gamma : Distribution
{
    private static readonly (string, Constraint)[] Args = [("concentration", Constraint.Positive), ("rate", Constraint.Positive)];

    /// <summary>Creates the distribution; the parameters broadcast to the batch shape.</summary>
    /// <exception cref="ArgumentException">(When validating) a parameter is not positive.</exception>
    public Gamma(Tensor concentration, Tensor rate, bool? validateArgs = null) : this(BroadcastAll("Gamma", concentration, rate), validateArgs) { }

    private Gamma(Tensor[] p, bool? validateArgs) : base(p[0].Shape, [], validateArgs)
    {
        Concentration = p[0];
        Rate = p[1];
        ValidateParameters();
    }

    /// <summary>The shape parameter α.</summary>
    public Tensor Concentration { get; }

    /// <summary>The rate β (one over the scale).</summary>
    public Tensor Rate { get; }

    /// <inheritdoc/>
    public override Constraint Support => Constraint.NonNegative;

    /// <inheritdoc/>
    public override IReadOnlyList<(string Name, Constraint Constraint)> ArgConstraints => Args;

    /// <inheritdoc/>
    protected override Tensor ParameterValue(string name) => name == "concentration" ? Concentration : Rate;

    /// <inheritdoc/>
    public override Tensor Mean => Concentration / Rate;

    /// <inheritdoc/>
    public override Tensor Variance => Concentration / Rate.Pow(2);

    /// <inheritdoc/>
    public override bool HasRSample => true;

    /// <inheritdoc/>
    public override Tensor RSample(int[]? sampleShape = null, Generator? generator = null)
    {
        int[] shape = ExtendedShape(sampleShape);
        var value = GammaGrad.StandardGamma(Concentration.Expand(shape), generator) / Rate.Expand(shape);
        // value.detach().clamp_(min=tiny): keeps samples positive without recording the clamp.
        value.Detach().Clamp_(Tensor.FInfo(value.DType).Tiny);
        return value;
    }

    /// <inheritdoc/>
    public override Tensor LogProb(Tensor value)
    {
        ValidateSample(value);
        value = value.To(Rate.DType);
        return Xlogy(Concentration, Rate) + Xlogy(Concentration - 1, value) - Rate * value - Concentration.Lgamma();
    }

    /// <inheritdoc/>
    public override Tensor Entropy() =>
        Concentration - Rate.Log() + Concentration.Lgamma() + (1.0 - Concentration) * Concentration.Digamma();

    /// <summary>
    /// <c>x · log(y)</c>, 0 where x and y are both 0 (<c>torch.xlogy</c>), written from existing ops so
    /// that, as in PyTorch, the gradient with respect to x is log(y) even where x is 0.
    /// </summary>
    internal static Tensor Xlogy(Tensor x, Tensor y) => x * Tensor.Where(x.Eq(0.0).LogicalAnd(y.Eq(0.0)), 0.0, y.Log());

    /// <inheritdoc/>
    public override Gamma Expand(int[] batchShape)
    {
        int[] b = CheckExpand(batchShape);
        return WithValidation(new Gamma(Concentration.Expand(b), Rate.Expand(b), false));
    }
}
