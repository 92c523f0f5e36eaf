namespace Ember.Distributions;

/// <summary>
/// The multivariate normal distribution with mean vector <see cref="Loc"/>, given by exactly one of a
/// covariance matrix, a precision matrix or a lower-triangular scale factor
/// (<c>torch.distributions.MultivariateNormal(loc, covariance_matrix=None, precision_matrix=None, scale_tril=None)</c>);
/// event shape <c>[n]</c>.
/// </summary>
/// <remarks>
/// <see cref="RSample"/> is <c>loc + L · eps</c> with eps from <see cref="Tensor.Normal_"/>, PyTorch's draws:
/// the same seed gives PyTorch's samples up to the rounding of the matrix product. The Cholesky factor
/// and triangular solves are composed from differentiable tensor ops (Ember has no <c>torch.linalg</c>
/// yet), fine for the usual small n.
/// </remarks>
public sealed class MultivariateNormal : Distribution
{
    private readonly string _given;
    private readonly Tensor _param;
    private readonly Tensor _scaleTril;   // _unbroadcasted_scale_tril

    /// <summary>Creates the distribution from <paramref name="loc"/> (…, n) and exactly one of the matrix parameters (…, n, n).</summary>
    /// <exception cref="ArgumentException">
    /// None or more than one matrix is given, a shape is wrong, or (when validating) the matrix is not
    /// symmetric positive definite / not lower triangular with a positive diagonal.
    /// </exception>
    public MultivariateNormal(Tensor loc, Tensor? covarianceMatrix = null, Tensor? precisionMatrix = null, Tensor? scaleTril = null, bool? validateArgs = null)
        : base(Shapes(loc, covarianceMatrix, precisionMatrix, scaleTril, out var ev), ev, validateArgs)
    {
        var m = (scaleTril ?? covarianceMatrix ?? precisionMatrix)!;
        _given = scaleTril is not null ? "scale_tril" : covarianceMatrix is not null ? "covariance_matrix" : "precision_matrix";
        int n = EventShape[0];
        int[] batch = BatchShape;
        _param = m.Expand([.. batch, n, n]);
        Loc = loc.Expand([.. batch, n]);
        ValidateParameters();
        if (scaleTril is not null) _scaleTril = scaleTril;
        else if (covarianceMatrix is not null) _scaleTril = Cholesky(covarianceMatrix);
        else
        {
            // _precision_to_scale_tril: L = (chol(flip(P)) flipped and transposed)⁻¹.
            var lf = Cholesky(precisionMatrix!.Flip(-2, -1));
            var lInv = lf.Flip(-2, -1).MT;
            _scaleTril = TriangularAlgebra.SolveLower(lInv, Tensor.Eye(n, dtype: lInv.DType).Expand(lInv.Shape));
        }
    }

    // expand: the same unbroadcast factor, the parameters as views over the new batch shape.
    private MultivariateNormal(MultivariateNormal d, int[] batchShape) : base(batchShape, d.EventShape, d.ValidateArgs)
    {
        int n = d.EventShape[0];
        _given = d._given;
        _param = d._param.Expand([.. batchShape, n, n]);
        Loc = d.Loc.Expand([.. batchShape, n]);
        _scaleTril = d._scaleTril;
    }

    // The factor reads only the lower triangle; symmetrizing first gives the symmetric gradient
    // PyTorch's cholesky backward returns (and leaves the values of a symmetric matrix unchanged).
    private static Tensor Cholesky(Tensor a) => TriangularAlgebra.TryCholesky((a + a.MT) * 0.5)
        ?? throw new ArgumentException($"MultivariateNormal: the Cholesky factorization of a matrix of shape {a.Shape} failed: it is not positive definite.");

    private static int[] Shapes(Tensor loc, Tensor? cov, Tensor? prec, Tensor? tril, out int[] eventShape)
    {
        ArgumentNullException.ThrowIfNull(loc);
        if (loc.NDim < 1) throw new ArgumentException($"loc must be at least one-dimensional, got shape {loc.Shape}.", nameof(loc));
        int given = (cov is null ? 0 : 1) + (prec is null ? 0 : 1) + (tril is null ? 0 : 1);
        if (given != 1)
            throw new ArgumentException("Exactly one of covariance_matrix or precision_matrix or scale_tril may be specified.");
        var m = (tril ?? cov ?? prec)!;
        string name = tril is not null ? "scale_tril" : cov is not null ? "covariance_matrix" : "precision_matrix";
        if (m.NDim < 2)
            throw new ArgumentException($"{name} matrix must be at least two-dimensional, with optional leading batch dimensions, got shape {m.Shape}.");
        int n = loc.Shape[^1];
        if (m.Shape[^1] != n || m.Shape[^2] != n)
            throw new ArgumentException($"MultivariateNormal: {name} of shape {m.Shape} does not match loc of shape {loc.Shape} (expected [..., {n}, {n}]).");
        eventShape = [n];
        return Dims.Broadcast(m.Shape.AsSpan()[..^2], loc.Shape.AsSpan()[..^1], "MultivariateNormal");
    }

    internal Tensor UnbroadcastedScaleTril => _scaleTril;

    /// <summary>The mean vector, broadcast to <c>BatchShape + [n]</c>.</summary>
    public Tensor Loc { get; }

    /// <summary>The lower-triangular factor L with covariance L Lᵀ (<c>scale_tril</c>), broadcast to the batch.</summary>
    public Tensor ScaleTril => _scaleTril.Expand([.. BatchShape, EventShape[0], EventShape[0]]);

    /// <summary>The covariance matrix L Lᵀ (<c>covariance_matrix</c>).</summary>
    public Tensor CovarianceMatrix => _given == "covariance_matrix" ? _param : _scaleTril.MatMul(_scaleTril.MT).Expand([.. BatchShape, EventShape[0], EventShape[0]]);

    /// <inheritdoc/>
    public override bool HasRSample => true;

    /// <inheritdoc/>
    public override Constraint Support => Constraint.Independent(Constraint.Real, 1);

    /// <inheritdoc/>
    public override IReadOnlyList<(string Name, Constraint Constraint)> ArgConstraints =>
        [("loc", Constraint.Independent(Constraint.Real, 1)), (_given, _given == "scale_tril" ? Constraint.LowerCholesky : Constraint.PositiveDefinite)];

    /// <inheritdoc/>
    protected override Tensor ParameterValue(string name) => name == "loc" ? Loc : _param;

    /// <inheritdoc/>
    public override Tensor Mean => Loc;

    /// <inheritdoc/>
    public override Tensor Variance => _scaleTril.Pow(2).Sum(-1).Expand([.. BatchShape, .. EventShape]);

    /// <inheritdoc/>
    public override Tensor RSample(int[]? sampleShape = null, Generator? generator = null)
    {
        var eps = Tensor.Empty(ExtendedShape(sampleShape), Loc.DType, Loc.Device).Normal_(0, 1, generator);
        return Loc + _scaleTril.MatMul(eps.Unsqueeze(-1)).Squeeze(-1);
    }

    /// <inheritdoc/>
    public override Tensor LogProb(Tensor value)
    {
        ValidateSample(value);
        var diff = value - Loc;
        var m = Mahalanobis(_scaleTril, diff);
        var halfLogDet = TriangularAlgebra.Diagonal(_scaleTril).Log().Sum(-1);
        return -0.5 * (EventShape[0] * Math.Log(2 * Math.PI) + m) - halfLogDet;
    }

    /// <inheritdoc/>
    public override Tensor Entropy()
    {
        var halfLogDet = TriangularAlgebra.Diagonal(_scaleTril).Log().Sum(-1);
        var h = 0.5 * EventShape[0] * (1.0 + Math.Log(2 * Math.PI)) + halfLogDet;
        return BatchShape.Count == 0 ? h : h.Expand(BatchShape);
    }

    /// <summary>xᵀ (L Lᵀ)⁻¹ x over the batch (<c>_batch_mahalanobis</c>).</summary>
    internal static Tensor Mahalanobis(Tensor l, Tensor x)
    {
        int n = l.Shape[^1];
        int[] batch = Dims.Broadcast(l.Shape.AsSpan()[..^2], x.Shape.AsSpan()[..^1], "mahalanobis");
        var y = TriangularAlgebra.SolveLower(l.Expand([.. batch, n, n]), x.Expand([.. batch, n]).Unsqueeze(-1));
        return y.Pow(2).Sum([-2, -1]);
    }

    internal static Tensor Kl(MultivariateNormal p, MultivariateNormal q)
    {
        if (p.EventShape != q.EventShape)
            throw new ArgumentException($"KL-divergence between two Multivariate Normals with different event shapes cannot be computed ({p.EventShape} vs {q.EventShape}).");
        var halfTerm1 = TriangularAlgebra.Diagonal(q._scaleTril).Log().Sum(-1) - TriangularAlgebra.Diagonal(p._scaleTril).Log().Sum(-1);
        int n = p.EventShape[0];
        int[] batch = Dims.Broadcast(q.BatchShape.AsSpan(), p.BatchShape.AsSpan(), "kl_divergence");
        var qL = q._scaleTril.Expand([.. batch, n, n]);
        var pL = p._scaleTril.Expand([.. batch, n, n]);
        var term2 = TriangularAlgebra.SolveLower(qL, pL).Pow(2).Sum([-2, -1]);
        var term3 = Mahalanobis(q._scaleTril, q.Loc - p.Loc);
        return halfTerm1 + 0.5 * (term2 + term3 - n);
    }

    /// <inheritdoc/>
    public override MultivariateNormal Expand(int[] batchShape)
    {
        int[] b = CheckExpand(batchShape);
        return WithValidation(new MultivariateNormal(this, b));
    }
}
