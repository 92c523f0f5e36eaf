namespace Ember.Distributions;

/// <summary>
/// A multivariate normal whose covariance is low-rank plus diagonal, <c>W Wᵀ + diag(D)</c>
/// (<c>torch.distributions.LowRankMultivariateNormal(loc, cov_factor, cov_diag)</c>); event shape <c>[n]</c>,
/// W of shape <c>[..., n, m]</c>. Log-densities use the Woodbury identity and the m × m capacitance
/// matrix <c>I + Wᵀ D⁻¹ W</c>, so they cost O(n m²).
/// </summary>
/// <remarks>
/// <see cref="RSample"/> is <c>loc + W·eps_W + √D·eps_D</c> with eps_W then eps_D from <see cref="Tensor.Normal_"/>,
/// PyTorch's draws: the same seed gives PyTorch's samples (up to the rounding of the matrix product).
/// </remarks>
public sealed class LowRankMultivariateNormal : Distribution
{
    private readonly Tensor _covFactor, _covDiag;        // unbroadcasted, as given
    private readonly Tensor _capacitanceTril;

    /// <summary>Creates the distribution from <paramref name="loc"/> (…, n), <paramref name="covFactor"/> (…, n, m) and <paramref name="covDiag"/> (…, n).</summary>
    /// <exception cref="ArgumentException">A shape is wrong or the batch shapes do not broadcast, or (when validating) a diagonal entry is not positive.</exception>
    public LowRankMultivariateNormal(Tensor loc, Tensor covFactor, Tensor covDiag, bool? validateArgs = null)
        : base(Shapes(loc, covFactor, covDiag, out var ev, out var full), ev, validateArgs)
    {
        int n = ev[0];
        Loc = loc.Expand([.. BatchShape, n]);
        CovFactor = covFactor.Expand(full);
        CovDiag = covDiag.Expand([.. BatchShape, n]);
        _covFactor = covFactor;
        _covDiag = covDiag;
        ValidateParameters();
        _capacitanceTril = CapacitanceTril(covFactor, covDiag);
    }

    private LowRankMultivariateNormal(LowRankMultivariateNormal d, int[] batchShape) : base(batchShape, d.EventShape, d.ValidateArgs)
    {
        int n = EventShape[0];
        Loc = d.Loc.Expand([.. batchShape, n]);
        CovDiag = d.CovDiag.Expand([.. batchShape, n]);
        CovFactor = d.CovFactor.Expand([.. batchShape, n, d.CovFactor.Shape[^1]]);
        _covFactor = d._covFactor;
        _covDiag = d._covDiag;
        _capacitanceTril = d._capacitanceTril;
    }

    private static int[] Shapes(Tensor loc, Tensor covFactor, Tensor covDiag, out int[] eventShape, out int[] fullFactor)
    {
        ArgumentNullException.ThrowIfNull(loc);
        ArgumentNullException.ThrowIfNull(covFactor);
        ArgumentNullException.ThrowIfNull(covDiag);
        if (loc.NDim < 1) throw new ArgumentException("loc must be at least one-dimensional.", nameof(loc));
        int n = loc.Shape[^1];
        eventShape = [n];
        if (covFactor.NDim < 2)
            throw new ArgumentException("cov_factor must be at least two-dimensional, with optional leading batch dimensions", nameof(covFactor));
        if (covFactor.Shape[^2] != n)
            throw new ArgumentException($"cov_factor must be a batch of matrices with shape {n} x m", nameof(covFactor));
        if (covDiag.NDim < 1 || covDiag.Shape[^1] != n)
            throw new ArgumentException($"cov_diag must be a batch of vectors with shape [{n}]", nameof(covDiag));
        try
        {
            int[] s = Dims.Broadcast([.. loc.Shape, 1], covFactor.Shape.AsSpan(), "LowRankMultivariateNormal");
            s = Dims.Broadcast(s, [.. covDiag.Shape, 1], "LowRankMultivariateNormal");
            fullFactor = s;
            return s[..^2];
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"Incompatible batch shapes: loc {loc.Shape}, cov_factor {covFactor.Shape}, cov_diag {covDiag.Shape}", e);
        }
    }

    // Cholesky factor of I + Wᵀ D⁻¹ W (_batch_capacitance_tril).
    private static Tensor CapacitanceTril(Tensor w, Tensor d)
    {
        int m = w.Shape[^1];
        var wtDinv = w.MT / d.Unsqueeze(-2);
        var k = wtDinv.MatMul(w) + Tensor.Eye(m, dtype: w.DType);
        return TriangularAlgebra.TryCholesky(k)
            ?? throw new ArgumentException($"LowRankMultivariateNormal: the capacitance matrix of shape {k.Shape} is not positive definite.");
    }

    /// <summary>The mean vector, broadcast to <c>BatchShape + [n]</c>.</summary>
    public Tensor Loc { get; }
    /// <summary>The factor W of the low-rank part, broadcast to <c>BatchShape + [n, m]</c>.</summary>
    public Tensor CovFactor { get; }
    /// <summary>The diagonal D, broadcast to <c>BatchShape + [n]</c>.</summary>
    public Tensor CovDiag { get; }

    /// <inheritdoc/>
    public override bool HasRSample => true;
    /// <inheritdoc/>
    public override Constraint Support => Constraint.RealVector;
    /// <inheritdoc/>
    public override IReadOnlyList<(string Name, Constraint Constraint)> ArgConstraints =>
        [("loc", Constraint.RealVector), ("cov_factor", Constraint.Independent(Constraint.Real, 2)), ("cov_diag", Constraint.Independent(Constraint.Positive, 1))];
    /// <inheritdoc/>
    protected override Tensor ParameterValue(string name) => name switch { "loc" => Loc, "cov_factor" => CovFactor, _ => CovDiag };
    /// <inheritdoc/>
    public override LowRankMultivariateNormal Expand(int[] batchShape) => new(this, CheckExpand(batchShape));

    /// <inheritdoc/>
    public override Tensor Mean => Loc;

    /// <inheritdoc/>
    public override Tensor Variance => (_covFactor.Pow(2).Sum(-1) + _covDiag).Expand([.. BatchShape, .. EventShape]);

    /// <summary>The covariance <c>W Wᵀ + diag(D)</c> (<c>covariance_matrix</c>).</summary>
    public Tensor CovarianceMatrix
    {
        get
        {
            int n = EventShape[0];
            var c = _covFactor.MatMul(_covFactor.MT) + _covDiag.Unsqueeze(-1) * Tensor.Eye(n, dtype: _covDiag.DType);
            return c.Expand([.. BatchShape, n, n]);
        }
    }

    /// <summary>The inverse covariance by the Woodbury identity (<c>precision_matrix</c>).</summary>
    public Tensor PrecisionMatrix
    {
        get
        {
            int n = EventShape[0];
            var wtDinv = _covFactor.MT / _covDiag.Unsqueeze(-2);
            int[] batch = Dims.Broadcast(_capacitanceTril.Shape.AsSpan()[..^2], wtDinv.Shape.AsSpan()[..^2], "precision_matrix");
            int m = wtDinv.Shape[^2];
            var a = TriangularAlgebra.SolveLower(_capacitanceTril.Expand([.. batch, m, m]), wtDinv.Expand([.. batch, m, n]));
            var p = _covDiag.Reciprocal().Unsqueeze(-1) * Tensor.Eye(n, dtype: _covDiag.DType) - a.MT.MatMul(a);
            return p.Expand([.. BatchShape, n, n]);
        }
    }

    /// <summary>The lower Cholesky factor of the covariance, computed as PyTorch from the well-conditioned <c>I + D^-½ W Wᵀ D^-½</c> (<c>scale_tril</c>).</summary>
    public Tensor ScaleTril
    {
        get
        {
            int n = EventShape[0];
            var sqrtD = _covDiag.Sqrt().Unsqueeze(-1);
            var dw = _covFactor / sqrtD;
            var k = dw.MatMul(dw.MT) + Tensor.Eye(n, dtype: dw.DType);
            var l = sqrtD * TriangularAlgebra.TryCholesky(k)!;
            return l.Expand([.. BatchShape, n, n]);
        }
    }

    /// <inheritdoc/>
    public override Tensor RSample(int[]? sampleShape = null, Generator? generator = null)
    {
        int[] shape = ExtendedShape(sampleShape);
        int[] wShape = [.. shape[..^1], CovFactor.Shape[^1]];
        var epsW = Tensor.Empty(wShape, Loc.DType, Loc.Device).Normal_(0, 1, generator);
        var epsD = Tensor.Empty(shape, Loc.DType, Loc.Device).Normal_(0, 1, generator);
        return Loc + _covFactor.MatMul(epsW.Unsqueeze(-1)).Squeeze(-1) + _covDiag.Sqrt() * epsD;
    }

    private Tensor LogDet() => 2 * TriangularAlgebra.Diagonal(_capacitanceTril).Log().Sum(-1) + _covDiag.Log().Sum(-1);

    /// <inheritdoc/>
    public override Tensor LogProb(Tensor value)
    {
        ValidateSample(value);
        var diff = value - Loc;
        // _batch_lowrank_mahalanobis: xᵀD⁻¹x - |C⁻¹ Wᵀ D⁻¹ x|².
        var wtDinv = _covFactor.MT / _covDiag.Unsqueeze(-2);
        var wtDinvX = wtDinv.MatMul(diff.Unsqueeze(-1)).Squeeze(-1);
        var m = (diff.Pow(2) / _covDiag).Sum(-1) - MultivariateNormal.Mahalanobis(_capacitanceTril, wtDinvX);
        return -0.5 * (EventShape[0] * Math.Log(2 * Math.PI) + LogDet() + m);
    }

    /// <inheritdoc/>
    public override Tensor Entropy()
    {
        var h = 0.5 * (EventShape[0] * (1.0 + Math.Log(2 * Math.PI)) + LogDet());
        return BatchShape.Count == 0 ? h : h.Expand(BatchShape);
    }

    private static Tensor TraceXXT(Tensor m) => m.Pow(2).Sum([-2, -1]);

    private static Tensor Mahalanobis(LowRankMultivariateNormal q, Tensor x)
    {
        var wtDinv = q._covFactor.MT / q._covDiag.Unsqueeze(-2);
        var wtDinvX = wtDinv.MatMul(x.Unsqueeze(-1)).Squeeze(-1);
        return (x.Pow(2) / q._covDiag).Sum(-1) - MultivariateNormal.Mahalanobis(q._capacitanceTril, wtDinvX);
    }

    // solve_triangular(q's capacitance factor, Wᵀ D⁻¹), broadcast over the batch.
    private static Tensor CapacitanceSolve(LowRankMultivariateNormal q)
    {
        var wtDinv = q._covFactor.MT / q._covDiag.Unsqueeze(-2);
        int m = wtDinv.Shape[^2], n = wtDinv.Shape[^1];
        int[] batch = Dims.Broadcast(q._capacitanceTril.Shape.AsSpan()[..^2], wtDinv.Shape.AsSpan()[..^2], "kl_divergence");
        return TriangularAlgebra.SolveLower(q._capacitanceTril.Expand([.. batch, m, m]), wtDinv.Expand([.. batch, m, n]));
    }

    private static void CheckEvents(Distribution p, Distribution q, string what)
    {
        if (p.EventShape != q.EventShape)
            throw new ArgumentException($"KL-divergence between two {what} with different event shapes cannot be computed ({p.EventShape} vs {q.EventShape}).");
    }

    internal static Tensor KlLowRank(LowRankMultivariateNormal p, LowRankMultivariateNormal q)
    {
        CheckEvents(p, q, "Low Rank Multivariate Normals");
        var term1 = q.LogDet() - p.LogDet();
        var term3 = Mahalanobis(q, q.Loc - p.Loc);
        var a = CapacitanceSolve(q);
        var term21 = (p._covDiag / q._covDiag).Sum(-1);
        var term22 = TraceXXT(p._covFactor * q._covDiag.Rsqrt().Unsqueeze(-1));
        var term23 = TraceXXT(a * p._covDiag.Sqrt().Unsqueeze(-2));
        var term24 = TraceXXT(a.MatMul(p._covFactor));
        return 0.5 * (term1 + term21 + term22 - term23 - term24 + term3 - p.EventShape[0]);
    }

    internal static Tensor KlMvnLowRank(MultivariateNormal p, LowRankMultivariateNormal q)
    {
        CheckEvents(p, q, "(Low Rank) Multivariate Normals");
        var pl = p.UnbroadcastedScaleTril;
        var term1 = q.LogDet() - 2 * TriangularAlgebra.Diagonal(pl).Log().Sum(-1);
        var term3 = Mahalanobis(q, q.Loc - p.Loc);
        var a = CapacitanceSolve(q);
        var term21 = TraceXXT(pl * q._covDiag.Rsqrt().Unsqueeze(-1));
        var term22 = TraceXXT(a.MatMul(pl));
        return 0.5 * (term1 + term21 - term22 + term3 - p.EventShape[0]);
    }

    internal static Tensor KlLowRankMvn(LowRankMultivariateNormal p, MultivariateNormal q)
    {
        CheckEvents(p, q, "(Low Rank) Multivariate Normals");
        var ql = q.UnbroadcastedScaleTril;
        var term1 = 2 * TriangularAlgebra.Diagonal(ql).Log().Sum(-1) - p.LogDet();
        var term3 = MultivariateNormal.Mahalanobis(ql, q.Loc - p.Loc);
        int n = p.EventShape[0];
        int[] batch = Dims.Broadcast(ql.Shape.AsSpan()[..^2], p._covFactor.Shape.AsSpan()[..^2], "kl_divergence");
        var qL = ql.Expand([.. batch, n, n]);
        var pW = p._covFactor.Expand([.. batch, n, p._covFactor.Shape[^1]]);
        var pD = (p._covDiag.Sqrt().Unsqueeze(-1) * Tensor.Eye(n, dtype: p._covDiag.DType)).Expand([.. batch, n, n]);
        var term21 = TraceXXT(TriangularAlgebra.SolveLower(qL, pW));
        var term22 = TraceXXT(TriangularAlgebra.SolveLower(qL, pD));
        return 0.5 * (term1 + term21 + term22 + term3 - n);
    }
}
