namespace Ember.Distributions;

/// <summary>
/// The Wishart distribution over p × p positive-definite matrices with <see cref="Df"/> degrees of
/// freedom and scale given by exactly one of a covariance matrix, a precision matrix or a lower
/// Cholesky factor (<c>torch.distributions.Wishart(df, covariance_matrix=None, precision_matrix=None, scale_tril=None)</c>);
/// event shape <c>[p, p]</c>.
/// </summary>
/// <remarks>
/// <see cref="RSample"/> is PyTorch 1.13's Bartlett decomposition (a <see cref="Chi2"/> draw for the
/// diagonal, a <c>randn</c> fill below it), including 1.13's resampling step, which redraws every
/// sample that passes its positive-definiteness check once more: the same seed gives PyTorch 1.13's
/// samples (up to the rounding of the matrix products). Log-determinants and solves are composed from
/// differentiable tensor ops, as for <see cref="MultivariateNormal"/>.
/// </remarks>
public sealed class Wishart : Distribution
{
    private readonly string _given;
    private readonly Tensor _param;
    private readonly Tensor _scaleTril;   // _unbroadcasted_scale_tril
    private readonly Chi2 _chi2;

    /// <summary>Creates the distribution from <paramref name="df"/> (a number or a tensor broadcasting with the batch) and exactly one matrix parameter (…, p, p).</summary>
    /// <exception cref="ArgumentException">None or more than one matrix is given, it is not at least 2-d, df ≤ p - 1, or (when validating) the matrix violates its constraint.</exception>
    public Wishart(Tensor df, Tensor? covarianceMatrix = null, Tensor? precisionMatrix = null, Tensor? scaleTril = null, bool? validateArgs = null)
        : base(Shapes(df, covarianceMatrix, precisionMatrix, scaleTril, out var ev), ev, validateArgs)
    {
        var m = (covarianceMatrix ?? precisionMatrix ?? scaleTril)!;
        _given = scaleTril is not null ? "scale_tril" : covarianceMatrix is not null ? "covariance_matrix" : "precision_matrix";
        int p = EventShape[^1];
        Df = df.IsWrappedNumber ? Tensor.Full([], df.ToDouble(), m.DType, m.Device) : df.Expand(BatchShape);
        using (Autograd.NoGrad())
            if (Df.Le(p - 1.0).Any().Item<bool>())
                throw new ArgumentException($"Value of df={df} expected to be greater than ndim - 1 = {p - 1}.", nameof(df));
        _param = m.Expand([.. BatchShape, p, p]);
        ValidateParameters();
        if (scaleTril is not null) _scaleTril = scaleTril;
        else if (covarianceMatrix is not null)
            _scaleTril = TriangularAlgebra.TryCholesky((covarianceMatrix + covarianceMatrix.MT) * 0.5)
                ?? throw new ArgumentException($"Wishart: the Cholesky factorization of a matrix of shape {covarianceMatrix.Shape} failed: it is not positive definite.");
        else
        {
            var lf = TriangularAlgebra.TryCholesky(precisionMatrix!.Flip(-2, -1))
                ?? throw new ArgumentException($"Wishart: the Cholesky factorization of a matrix of shape {precisionMatrix.Shape} failed: it is not positive definite.");
            var lInv = lf.Flip(-2, -1).MT;
            _scaleTril = TriangularAlgebra.SolveLower(lInv, Tensor.Eye(p, dtype: lInv.DType).Expand(lInv.Shape));
        }
        _chi2 = new Chi2(Df.Unsqueeze(-1) - Tensor.Arange(0, p, dtype: _scaleTril.DType).Expand([.. BatchShape, p]));
    }

    private Wishart(Wishart d, int[] batchShape) : base(batchShape, d.EventShape, d.ValidateArgs)
    {
        int p = EventShape[^1];
        _given = d._given;
        _param = d._param.Expand([.. batchShape, p, p]);
        _scaleTril = d._scaleTril.Expand([.. batchShape, p, p]);
        Df = d.Df.Expand(batchShape);
        _chi2 = new Chi2(Df.Unsqueeze(-1) - Tensor.Arange(0, p, dtype: _scaleTril.DType).Expand([.. batchShape, p]));
    }

    private static int[] Shapes(Tensor df, Tensor? cov, Tensor? prec, Tensor? tril, out int[] eventShape)
    {
        ArgumentNullException.ThrowIfNull(df);
        if ((cov is null ? 0 : 1) + (prec is null ? 0 : 1) + (tril is null ? 0 : 1) != 1)
            throw new ArgumentException("Exactly one of covariance_matrix or precision_matrix or scale_tril may be specified.");
        var m = (cov ?? prec ?? tril)!;
        if (m.NDim < 2) throw new ArgumentException("scale_tril must be at least two-dimensional, with optional leading batch dimensions");
        if (m.Shape[^1] != m.Shape[^2]) throw new ArgumentException($"Wishart: the matrix parameter of shape {m.Shape} is not square.");
        eventShape = m.Shape.ToArray()[^2..];
        int[] batch = m.Shape.ToArray()[..^2];
        return df.IsWrappedNumber ? batch : Dims.Broadcast(batch, df.Shape.AsSpan(), "Wishart");
    }

    /// <summary>The degrees of freedom ν, of the batch shape.</summary>
    public Tensor Df { get; }

    /// <summary>The lower Cholesky factor of the scale matrix (<c>scale_tril</c>).</summary>
    public Tensor ScaleTril => _given == "scale_tril" ? _param : _scaleTril.Expand([.. BatchShape, .. EventShape]);

    /// <summary>The scale matrix L Lᵀ (<c>covariance_matrix</c>).</summary>
    public Tensor CovarianceMatrix => _given == "covariance_matrix" ? _param : _scaleTril.MatMul(_scaleTril.MT).Expand([.. BatchShape, .. EventShape]);

    /// <summary>The inverse scale matrix (<c>precision_matrix</c>).</summary>
    public Tensor PrecisionMatrix
    {
        get
        {
            if (_given == "precision_matrix") return _param;
            int p = EventShape[^1];
            var x = TriangularAlgebra.SolveLower(_scaleTril, Tensor.Eye(p, dtype: _scaleTril.DType).Expand(_scaleTril.Shape));
            return x.MT.MatMul(x).Expand([.. BatchShape, .. EventShape]);
        }
    }

    /// <inheritdoc/>
    public override bool HasRSample => true;
    /// <inheritdoc/>
    public override Constraint Support => Constraint.PositiveDefinite;
    /// <inheritdoc/>
    public override IReadOnlyList<(string Name, Constraint Constraint)> ArgConstraints =>
        [(_given, _given == "scale_tril" ? Constraint.LowerCholesky : Constraint.PositiveDefinite), ("df", Constraint.GreaterThan(EventShape[^1] - 1))];
    /// <inheritdoc/>
    protected override Tensor ParameterValue(string name) => name == "df" ? Df : _param;
    /// <inheritdoc/>
    public override Wishart Expand(int[] batchShape) => new(this, CheckExpand(batchShape));

    private Tensor DfMatrix => Df.Reshape([.. BatchShape, 1, 1]);

    /// <inheritdoc/>
    public override Tensor Mean => DfMatrix * CovarianceMatrix;

    /// <inheritdoc/>
    public override Tensor Variance
    {
        get
        {
            var v = CovarianceMatrix;
            var d = TriangularAlgebra.Diagonal(v);
            return DfMatrix * (v.Pow(2) + d.Unsqueeze(-1) * d.Unsqueeze(-2));
        }
    }

    private Tensor Bartlett(int[] sampleShape, Generator? generator)
    {
        int p = EventShape[^1];
        double eps = Tensor.FInfo(_scaleTril.DType).Eps;
        var diag = _chi2.RSample(sampleShape, generator).Sqrt().ClampMin(eps);
        var noise = diag.Unsqueeze(-1) * Tensor.Eye(p, dtype: diag.DType);
        int k = p * (p - 1) / 2;
        int[] batch = [.. sampleShape, .. BatchShape];
        var below = Tensor.Empty([.. batch, k], diag.DType, diag.Device).Normal_(0, 1, generator);
        if (k > 0)
        {
            // noise[..., i, j] = randn for (i, j) in tril_indices(p, p, -1), row by row.
            var index = new List<long>();
            for (int i = 1; i < p; i++) for (int j = 0; j < i; j++) index.Add(i * p + j);
            var idx = Tensor.From(index.ToArray()).Expand([.. batch, k]);
            var flat = Tensor.Zeros([.. batch, p * p], diag.DType, diag.Device).Scatter(-1, idx, below);
            noise = noise + flat.Reshape([.. batch, p, p]);
        }
        var chol = _scaleTril.MatMul(noise);
        return chol.MatMul(chol.MT);
    }

    // The sample dims' verdicts of support.check, reduced over the batch with amax (any), as 1.13.
    private Tensor CheckPerSample(Tensor sample)
    {
        var ok = Constraint.PositiveDefinite.Check(sample.Detach());
        for (int i = 0; i < BatchShape.Count; i++) ok = ok.Any(-1);
        return ok;
    }

    /// <inheritdoc/>
    public override Tensor RSample(int[]? sampleShape = null, Generator? generator = null)
    {
        sampleShape ??= [];
        var sample = Bartlett(sampleShape, generator);
        // PyTorch 1.13 marks as "singular" the samples that PASS the check (a bug fixed later) and redraws
        // them, up to 10 times; kept so that the streams agree.
        int n = 1;
        foreach (int d in sampleShape) n *= d;
        int[] rest = [.. BatchShape, .. EventShape];
        var flat = sample.Reshape([n, .. rest]);
        bool[] mask = CheckPerSample(sample).Reshape(n).ToArray<bool>();
        for (int attempt = 0; attempt < 10 && mask.Any(m => m); attempt++)
        {
            int count = mask.Count(m => m);
            var fresh = Bartlett([count], generator);
            bool[] freshBad = CheckPerSample(fresh).LogicalNot().Reshape(count).ToArray<bool>();
            var rows = new Tensor[n];
            for (int i = 0, j = 0; i < n; i++) rows[i] = mask[i] ? fresh.Select(0, j++) : flat.Select(0, i);
            flat = Tensor.Stack(rows, 0);
            for (int i = 0, j = 0; i < n; i++) if (mask[i]) mask[i] = freshBad[j++];
        }
        return flat.Reshape([.. sampleShape, .. rest]);
    }

    private Tensor HalfLogDetScale() => TriangularAlgebra.Diagonal(_scaleTril).Log().Sum(-1);

    /// <inheritdoc/>
    public override Tensor LogProb(Tensor value)
    {
        ValidateSample(value);
        var nu = Df;
        int p = EventShape[^1];
        int[] batch = Dims.Broadcast(_scaleTril.Shape.AsSpan()[..^2], value.Shape.AsSpan()[..^2], "Wishart.log_prob");
        // cholesky_solve differentiates through L Lᵀ with L read as a full matrix: refactoring the
        // product gives that gradient (entries above a given scale_tril's diagonal included).
        var l = (_given == "scale_tril" ? TriangularAlgebra.TryCholesky(_scaleTril.MatMul(_scaleTril.MT))! : _scaleTril).Expand([.. batch, p, p]);
        var v = value.Expand([.. batch, p, p]);
        var chol = TriangularAlgebra.TryCholesky(v)
            ?? throw new ArgumentException($"Wishart.log_prob: a value of shape {value.Shape} is not positive definite.", nameof(value));
        var logDet = 2 * TriangularAlgebra.Diagonal(chol).Log().Sum(-1);
        // trace((L Lᵀ)⁻¹ V) = trace(L⁻¹ (L⁻¹ V)ᵀ).
        var z = TriangularAlgebra.SolveLower(l, v);
        var trace = TriangularAlgebra.Diagonal(TriangularAlgebra.SolveLower(l, z.MT)).Sum(-1);
        return -nu * (p * Math.Log(2) / 2 + HalfLogDetScale()) - LKJCholesky.Mvlgamma(nu / 2, p) + (nu - p - 1) / 2 * logDet - trace / 2;
    }

    /// <inheritdoc/>
    public override Tensor Entropy()
    {
        var nu = Df;
        int p = EventShape[^1];
        var mvdigamma = ((nu / 2).Unsqueeze(-1) - Tensor.Arange(0, p, dtype: nu.DType) / 2).Digamma().Sum(-1);
        return (p + 1) * (p * Math.Log(2) / 2 + HalfLogDetScale()) + LKJCholesky.Mvlgamma(nu / 2, p) - (nu - p - 1) / 2 * mvdigamma + nu * p / 2;
    }
}
