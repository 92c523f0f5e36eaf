namespace Ember.Distributions;

/// <summary>
/// The chi-squared distribution with <see cref="Df"/> degrees of freedom (<c>torch.distributions.Chi2(df)</c>):
/// <c>Gamma(df / 2, 1 / 2)</c>, of which it is a subclass, as in PyTorch (so Gamma's KL applies).
/// </summary>
/// <remarks>Samples are the gamma's: the same seed gives PyTorch's samples; <see cref="Gamma.RSample"/> is reparameterized.</remarks>
public sealed class Chi2 : Gamma
{
    private static readonly (string, Constraint)[] Args = [("df", Constraint.Positive)];

    /// <summary>Creates the distribution.</summary>
    /// <exception cref="ArgumentException">(When validating) a df is not positive.</exception>
    public Chi2(Tensor df, bool? validateArgs = null) : base(0.5 * df, 0.5, validateArgs) { }

    /// <summary>The degrees of freedom (twice the concentration).</summary>
    public Tensor Df => Concentration * 2;
    /// <inheritdoc/>
    public override IReadOnlyList<(string Name, Constraint Constraint)> ArgConstraints => Args;
    /// <inheritdoc/>
    protected override Tensor ParameterValue(string name) => Df;

    /// <inheritdoc/>
    public override Chi2 Expand(int[] batchShape)
    {
        int[] b = CheckExpand(batchShape);
        return WithValidation(new Chi2(Df.Expand(b), false));
    }
}
