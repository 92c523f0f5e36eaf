namespace Ember.NN;

/// <summary>The hinge embedding loss (<c>nn.HingeEmbeddingLoss</c>); see <see cref="F.HingeEmbeddingLoss"/>.</summary>
/// <param name="margin">The margin for targets of -1 (default 1).</param>
/// <param name="reduction">None, Mean (default) or Sum.</param>
public sealed class HingeEmbeddingLoss(double margin = 1.0, Reduction reduction = Reduction.Mean) : Loss(reduction, "hinge_embedding_loss")
{
    /// <summary>The margin (<c>margin</c>).</summary>
    public double Margin { get; } = margin;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, Tensor target) => F.HingeEmbeddingLoss(input, target, Margin, Reduction);
}

/// <summary>The two-class soft margin loss (<c>nn.SoftMarginLoss</c>); see <see cref="F.SoftMarginLoss"/>.</summary>
/// <param name="reduction">None, Mean (default) or Sum.</param>
public sealed class SoftMarginLoss(Reduction reduction = Reduction.Mean) : Loss(reduction, "soft_margin_loss")
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, Tensor target) => F.SoftMarginLoss(input, target, Reduction);
}

/// <summary>The multi-label one-versus-all loss (<c>nn.MultiLabelSoftMarginLoss</c>); see <see cref="F.MultiLabelSoftMarginLoss"/>.</summary>
/// <param name="weight">A weight per class, broadcast against the input, or null (a buffer named <c>weight</c>).</param>
/// <param name="reduction">None, Mean (default) or Sum.</param>
public sealed class MultiLabelSoftMarginLoss(Tensor? weight = null, Reduction reduction = Reduction.Mean)
    : WeightedLoss(weight, reduction, "multilabel_soft_margin_loss")
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, Tensor target) => F.MultiLabelSoftMarginLoss(input, target, Weight, Reduction);
}

/// <summary>The multi-label hinge loss (<c>nn.MultiLabelMarginLoss</c>); see <see cref="F.MultiLabelMarginLoss"/>.</summary>
/// <param name="reduction">None, Mean (default) or Sum.</param>
public sealed class MultiLabelMarginLoss(Reduction reduction = Reduction.Mean) : Loss(reduction, "multilabel_margin_loss")
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, Tensor target) => F.MultiLabelMarginLoss(input, target, Reduction);
}

/// <summary>The multi-class hinge loss (<c>nn.MultiMarginLoss</c>); see <see cref="F.MultiMarginLoss"/>.</summary>
public sealed class MultiMarginLoss : WeightedLoss
{
    /// <summary>Creates the loss (<c>nn.MultiMarginLoss(p=1, margin=1.0, weight=None, reduction)</c>).</summary>
    /// <exception cref="ArgumentException"><paramref name="p"/> is not 1 or 2, or <paramref name="weight"/> is not 1-d.</exception>
    public MultiMarginLoss(int p = 1, double margin = 1.0, Tensor? weight = null, Reduction reduction = Reduction.Mean)
        : base(weight, reduction, "multi_margin_loss")
    {
        if (p != 1 && p != 2) throw new ArgumentException($"MultiMarginLoss: only p == 1 and p == 2 supported (got p = {p}).", nameof(p));
        if (weight is not null && weight.NDim != 1) throw new ArgumentException($"MultiMarginLoss: weight must be a 1-d tensor of one weight per class, got size {weight.Shape}.", nameof(weight));
        P = p;
        Margin = margin;
    }

    /// <summary>The power of the hinge, 1 or 2 (<c>p</c>).</summary>
    public int P { get; }
    /// <summary>The margin (<c>margin</c>).</summary>
    public double Margin { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, Tensor target) => F.MultiMarginLoss(input, target, P, Margin, Weight, Reduction);
}

/// <summary>The Poisson negative log-likelihood (<c>nn.PoissonNLLLoss</c>); see <see cref="F.PoissonNllLoss"/>.</summary>
/// <param name="logInput">Whether the input is the log-rate (default true).</param>
/// <param name="full">Whether Stirling's term is added.</param>
/// <param name="eps">Added to the rate before its log when <paramref name="logInput"/> is false (default 1e-8).</param>
/// <param name="reduction">None, Mean (default) or Sum.</param>
public sealed class PoissonNllLoss(bool logInput = true, bool full = false, double eps = 1e-8, Reduction reduction = Reduction.Mean)
    : Loss(reduction, "poisson_nll_loss")
{
    /// <summary>Whether the input is the log-rate (<c>log_input</c>).</summary>
    public bool LogInput { get; } = logInput;
    /// <summary>Whether Stirling's term is added (<c>full</c>).</summary>
    public bool Full { get; } = full;
    /// <summary>The epsilon (<c>eps</c>).</summary>
    public double Eps { get; } = eps;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, Tensor target) => F.PoissonNllLoss(input, target, LogInput, Full, Eps, Reduction);

    /// <inheritdoc/>
    protected internal override string TypeName() => "PoissonNLLLoss";
}
