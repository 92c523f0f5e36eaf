namespace Ember.Distributions;

/// <summary>
/// The LKJ distribution over lower Cholesky factors of <c>dim</c> × <c>dim</c> correlation matrices with
/// concentration η (<c>torch.distributions.LKJCholesky(dim, concentration=1.)</c>); event shape <c>[dim, dim]</c>.
/// </summary>
/// <remarks>
/// <see cref="Sample"/> is PyTorch's onion method: a <see cref="Beta"/> draw per row, then a
/// <c>randn</c> fill made into points on the hypersphere: the same seed gives PyTorch's samples.
/// No rsample, mean or entropy, as PyTorch 1.13.
/// </remarks>
public sealed class LKJCholesky : Distribution
{
    private static readonly (string, Constraint)[] Args = [("concentration", Constraint.Positive)];
    private readonly Beta _beta;

    /// <summary>Creates the distribution over <paramref name="dim"/> × <paramref name="dim"/> factors.</summary>
    /// <exception cref="ArgumentException"><paramref name="dim"/> is below 2, or (when validating) a concentration is not positive.</exception>
    public LKJCholesky(int dim, Tensor? concentration = null, bool? validateArgs = null)
        : this(dim, BroadcastAll("LKJCholesky", CheckDim(dim, concentration))[0], validateArgs, 0) { }

    private static Tensor CheckDim(int dim, Tensor? concentration)
    {
        if (dim < 2) throw new ArgumentException($"Expected dim to be an integer greater than or equal to 2. Found dim={dim}.", nameof(dim));
        return concentration ?? 1.0;
    }

    private LKJCholesky(int dim, Tensor concentration, bool? validateArgs, int _) : base(concentration.Shape, [dim, dim], validateArgs)
    {
        Dim = dim;
        Concentration = concentration;
        var marginal = Concentration + 0.5 * (dim - 2);
        var offset = Tensor.Cat([Tensor.Zeros([1], concentration.DType), Tensor.Arange(0, dim - 1, dtype: concentration.DType)], 0);
        _beta = new Beta(offset + 0.5, marginal.Unsqueeze(-1) - 0.5 * offset);
        ValidateParameters();
    }

    private LKJCholesky(LKJCholesky d, int[] batchShape) : base(batchShape, d.EventShape, d.ValidateArgs)
    {
        Dim = d.Dim;
        Concentration = d.Concentration.Expand(batchShape);
        _beta = d._beta.Expand([.. batchShape, d.Dim]);
    }

    /// <summary>The matrix size.</summary>
    public int Dim { get; }
    /// <summary>The concentration η (1 is uniform over correlation matrices).</summary>
    public Tensor Concentration { get; }
    /// <inheritdoc/>
    public override Constraint Support => Constraint.CorrCholesky;
    /// <inheritdoc/>
    public override IReadOnlyList<(string Name, Constraint Constraint)> ArgConstraints => Args;
    /// <inheritdoc/>
    protected override Tensor ParameterValue(string name) => Concentration;
    /// <inheritdoc/>
    public override LKJCholesky Expand(int[] batchShape) => new(this, CheckExpand(batchShape));

    /// <inheritdoc/>
    public override Tensor Sample(int[]? sampleShape = null, Generator? generator = null)
    {
        using var _ = Autograd.NoGrad();
        var y = _beta.Sample(sampleShape, generator).Unsqueeze(-1);
        var uNormal = Tensor.Empty(ExtendedShape(sampleShape), y.DType, y.Device).Normal_(0, 1, generator).Tril(-1);
        var uHypersphere = uNormal / uNormal.Norm(2, [-1], keepDim: true);
        // The first row is 0/0: zero it, as PyTorch does.
        uHypersphere.Select(-2, 0).Fill_(0.0);
        var w = y.Sqrt() * uHypersphere;
        double tiny = Tensor.FInfo(w.DType).Tiny;
        var diag = (1 - w.Pow(2).Sum(-1)).ClampMin(tiny).Sqrt();
        return w + diag.Unsqueeze(-1) * Tensor.Eye(Dim, dtype: w.DType);
    }

    /// <inheritdoc/>
    public override Tensor LogProb(Tensor value)
    {
        ValidateSample(value);
        var diag = TriangularAlgebra.Diagonal(value).Narrow(-1, 1, Dim - 1);
        var order = Tensor.Arange(2, Dim + 1, dtype: Concentration.DType);
        order = 2 * (Concentration - 1).Unsqueeze(-1) + Dim - order;
        var unnormalized = (order * diag.Log()).Sum(-1);
        int dm1 = Dim - 1;
        var alpha = Concentration + 0.5 * dm1;
        var denominator = alpha.Lgamma() * dm1;
        var numerator = Mvlgamma(alpha - 0.5, dm1);
        double piConstant = 0.5 * dm1 * Math.Log(Math.PI);
        return unnormalized - (piConstant + numerator - denominator);
    }

    /// <summary>The multivariate log-gamma function (<c>torch.mvlgamma(x, p)</c>), summed as PyTorch sums it.</summary>
    internal static Tensor Mvlgamma(Tensor x, int p)
    {
        var range = Tensor.Arange(-p / 2.0 + 0.5, 0.5, 0.5, dtype: x.DType);
        return (x.Unsqueeze(-1) + range).Lgamma().Sum(-1) + p * (p - 1) * Math.Log(Math.PI) / 4;
    }
}
