namespace Ember.Distributions;

/// <summary>
/// The Dirichlet distribution over the probability simplex, with concentration vectors along the
/// last dim (<c>torch.distributions.Dirichlet(concentration)</c>); event shape <c>[K]</c>.
/// </summary>
/// <remarks>
/// <see cref="Distribution.Sample"/> runs PyTorch's CPU <c>_sample_dirichlet</c> (gamma draws in double, normalised,
/// clamped below 1), so the same seed gives PyTorch's samples. <see cref="RSample"/> carries PyTorch's
/// implicit reparameterized gradient (<c>_Dirichlet.backward</c> with <c>_dirichlet_grad</c>).
/// </remarks>
public sealed class Dirichlet : Distribution
{
    private static readonly (string, Constraint)[] Args = [("concentration", Constraint.Independent(Constraint.Positive, 1))];

    /// <summary>Creates the distribution.</summary>
    /// <exception cref="ArgumentException"><paramref name="concentration"/> is 0-d, or (when validating) not positive.</exception>
    public Dirichlet(Tensor concentration, bool? validateArgs = null)
        : base(Check(concentration)[..^1], [concentration.Shape[^1]], validateArgs)
    {
        Concentration = concentration.DType.IsFloatingPoint() ? concentration : concentration.To(DTypes.DefaultFloat);
        ValidateParameters();
    }

    private static int[] Check(Tensor concentration)
    {
        ArgumentNullException.ThrowIfNull(concentration);
        if (concentration.NDim < 1)
            throw new ArgumentException($"`concentration` parameter must be at least one-dimensional, got a tensor of shape {concentration.Shape}.", nameof(concentration));
        return concentration.Shape;
    }

    /// <summary>The concentration parameters α, of shape <c>BatchShape + [K]</c>.</summary>
    public Tensor Concentration { get; }

    /// <inheritdoc/>
    public override Constraint Support => Constraint.Simplex;

    /// <inheritdoc/>
    public override IReadOnlyList<(string Name, Constraint Constraint)> ArgConstraints => Args;

    /// <inheritdoc/>
    protected override Tensor ParameterValue(string name) => Concentration;

    /// <inheritdoc/>
    public override Tensor Mean => Concentration / Concentration.Sum(-1, keepDim: true);

    /// <inheritdoc/>
    public override Tensor Variance
    {
        get
        {
            var con0 = Concentration.Sum(-1, keepDim: true);
            return Concentration * (con0 - Concentration) / (con0.Pow(2) * (con0 + 1));
        }
    }

    /// <inheritdoc/>
    public override bool HasRSample => true;

    /// <inheritdoc/>
    public override Tensor RSample(int[]? sampleShape = null, Generator? generator = null) =>
        GammaGrad.SampleDirichlet(Concentration.Expand(ExtendedShape(sampleShape)), generator);

    /// <inheritdoc/>
    public override Tensor LogProb(Tensor value)
    {
        ValidateSample(value);
        return Gamma.Xlogy(Concentration - 1.0, value.To(Concentration.DType)).Sum(-1)
             + Concentration.Sum(-1).Lgamma() - Concentration.Lgamma().Sum(-1);
    }

    /// <inheritdoc/>
    public override Tensor Entropy()
    {
        int k = Concentration.Shape[^1];
        var a0 = Concentration.Sum(-1);
        return Concentration.Lgamma().Sum(-1) - a0.Lgamma() - (k - a0) * a0.Digamma()
             - ((Concentration - 1.0) * Concentration.Digamma()).Sum(-1);
    }

    /// <inheritdoc/>
    public override Dirichlet Expand(int[] batchShape)
    {
        int[] b = CheckExpand(batchShape);
        return WithValidation(new Dirichlet(Concentration.Expand([.. b, EventShape[0]]), false));
    }
}
