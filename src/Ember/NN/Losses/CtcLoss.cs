namespace Ember.NN;

/// <summary>
/// The connectionist temporal classification loss (<c>nn.CTCLoss</c>); see <see cref="F.CtcLoss(Tensor, Tensor, Tensor, Tensor, int, Reduction, bool)"/>.
/// Call with (log_probs, targets, input_lengths, target_lengths).
/// </summary>
public sealed class CtcLoss : Module<Tensor, Tensor, Tensor, Tensor, Tensor>
{
    /// <summary>Creates the loss (<c>nn.CTCLoss(blank=0, reduction='mean', zero_infinity=False)</c>).</summary>
    /// <exception cref="ArgumentException">The reduction is BatchMean or unknown, or <paramref name="blank"/> is negative.</exception>
    public CtcLoss(int blank = 0, Reduction reduction = Reduction.Mean, bool zeroInfinity = false)
    {
        F.CheckReduction(reduction, "ctc_loss");
        if (blank < 0) throw new ArgumentException($"CTCLoss: blank must be a non-negative class index, got {blank}.", nameof(blank));
        Blank = blank;
        Reduction = reduction;
        ZeroInfinity = zeroInfinity;
    }

    /// <summary>The blank label (<c>blank</c>).</summary>
    public int Blank { get; }
    /// <summary>How the per-sample losses are reduced (<c>reduction</c>).</summary>
    public Reduction Reduction { get; }
    /// <summary>Whether infinite losses and their gradients become 0 (<c>zero_infinity</c>).</summary>
    public bool ZeroInfinity { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor logProbs, Tensor targets, Tensor inputLengths, Tensor targetLengths) =>
        F.CtcLoss(logProbs, targets, inputLengths, targetLengths, Blank, Reduction, ZeroInfinity);

    /// <summary>The loss with the lengths as arrays (PyTorch accepts tuples of ints too).</summary>
    public Tensor Forward(Tensor logProbs, Tensor targets, int[] inputLengths, int[] targetLengths) =>
        F.CtcLoss(logProbs, targets, inputLengths, targetLengths, Blank, Reduction, ZeroInfinity);

    /// <inheritdoc/>
    protected internal override string TypeName() => "CTCLoss";
}
