namespace Ember.Distributions;

/// <summary>
/// Reinterprets the <c>reinterpretedBatchNdims</c> rightmost batch dims of
/// <c>baseDistribution</c> as event dims (<c>torch.distributions.Independent(base, n)</c>):
/// log-probabilities and entropies are summed over them. A diagonal Gaussian over vectors is
/// <c>new Independent(new Normal(loc, scale), 1)</c>.
/// </summary>
public sealed class Independent : Distribution
{
    /// <summary>Creates the reinterpreted distribution.</summary>
    /// <exception cref="ArgumentException"><paramref name="reinterpretedBatchNdims"/> exceeds the base's batch rank.</exception>
    public Independent(Distribution baseDistribution, int reinterpretedBatchNdims, bool? validateArgs = null)
        : base(Split(baseDistribution, reinterpretedBatchNdims, out var ev), ev, validateArgs)
    {
        BaseDist = baseDistribution;
        ReinterpretedBatchNdims = reinterpretedBatchNdims;
    }

    private static int[] Split(Distribution d, int n, out int[] eventShape)
    {
        ArgumentNullException.ThrowIfNull(d);
        int[] batch = d.BatchShape;
        if (n < 0 || n > batch.Length)
            throw new ArgumentException($"Expected reinterpreted_batch_ndims <= len(base_distribution.batch_shape), actual {n} vs {batch.Length}", nameof(n));
        eventShape = [.. batch[(batch.Length - n)..], .. d.EventShape];
        return batch[..(batch.Length - n)];
    }

    /// <summary>The distribution whose batch dims are reinterpreted (<c>base_dist</c>).</summary>
    public Distribution BaseDist { get; }

    /// <summary>How many rightmost batch dims became event dims.</summary>
    public int ReinterpretedBatchNdims { get; }

    /// <inheritdoc/>
    public override bool HasRSample => BaseDist.HasRSample;

    /// <inheritdoc/>
    public override Constraint Support => ReinterpretedBatchNdims == 0 ? BaseDist.Support : Constraint.Independent(BaseDist.Support, ReinterpretedBatchNdims);

    /// <summary>Empty: the base distribution validated its own parameters.</summary>
    public override IReadOnlyList<(string Name, Constraint Constraint)> ArgConstraints => [];

    /// <inheritdoc/>
    protected override Tensor ParameterValue(string name) => throw new KeyNotFoundException(name);

    /// <inheritdoc/>
    public override Tensor Mean => BaseDist.Mean;

    /// <inheritdoc/>
    public override Tensor Variance => BaseDist.Variance;

    /// <inheritdoc/>
    public override Tensor Sample(int[]? sampleShape = null, Generator? generator = null) => BaseDist.Sample(sampleShape, generator);

    /// <inheritdoc/>
    public override Tensor RSample(int[]? sampleShape = null, Generator? generator = null) => BaseDist.RSample(sampleShape, generator);

    /// <inheritdoc/>
    public override Tensor LogProb(Tensor value) => SumRightmost(BaseDist.LogProb(value), ReinterpretedBatchNdims);

    /// <inheritdoc/>
    public override Tensor Entropy() => SumRightmost(BaseDist.Entropy(), ReinterpretedBatchNdims);

    /// <summary>As PyTorch: <c>Independent(Normal(loc: [3]), 1)</c>.</summary>
    public override string ToString() => $"Independent({BaseDist}, {ReinterpretedBatchNdims})";

    /// <inheritdoc/>
    public override Independent Expand(int[] batchShape)
    {
        int[] b = CheckExpand(batchShape);
        return WithValidation(new Independent(BaseDist.Expand([.. b, .. EventShape.ToArray()[..ReinterpretedBatchNdims]]), ReinterpretedBatchNdims, false));
    }

    /// <inheritdoc/>
    public override bool HasEnumerateSupport => ReinterpretedBatchNdims == 0 && BaseDist.HasEnumerateSupport;

    /// <inheritdoc/>
    public override Tensor EnumerateSupport(bool expand = true)
    {
        if (ReinterpretedBatchNdims > 0) throw new NotSupportedException("Enumeration over cartesian product is not implemented");
        return BaseDist.EnumerateSupport(expand);
    }
}
