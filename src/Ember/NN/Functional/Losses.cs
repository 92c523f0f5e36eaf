namespace Ember.NN;

// The regression losses and the KL divergence, plus the checks and the reduction every loss shares.
// The classification losses are in Losses.Classification.cs, the binary ones in Losses.Binary.cs.
public static partial class F
{
    /// <summary>
    /// The mean squared error, (input - target)² per element (<c>F.mse_loss</c>). The target broadcasts
    /// against the input as in PyTorch, and as PyTorch Ember warns when the shapes differ (through
    /// <see cref="Warnings"/>): a [N] target against an [N, 1] input silently becomes [N, N].
    /// </summary>
    /// <exception cref="ArgumentException">The input is not floating point, the shapes do not broadcast, or <paramref name="reduction"/> is <see cref="Reduction.BatchMean"/>.</exception>
    public static Tensor MseLoss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean)
    {
        const string op = "mse_loss";
        CheckPointwiseLoss(input, target, reduction, op);
        WarnIfTargetSizeDiffers(input, target);
        return Reduce((input - target).Square(), reduction);
    }

    /// <summary>
    /// The mean absolute error, |input - target| per element (<c>F.l1_loss</c>). The gradient where
    /// input equals target is 0, as in PyTorch. The target broadcasts as for <see cref="MseLoss(Tensor, Tensor, Reduction)"/>.
    /// </summary>
    /// <exception cref="ArgumentException">As for <see cref="MseLoss(Tensor, Tensor, Reduction)"/>.</exception>
    public static Tensor L1Loss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean)
    {
        const string op = "l1_loss";
        CheckPointwiseLoss(input, target, reduction, op);
        WarnIfTargetSizeDiffers(input, target);
        return Reduce((input - target).Abs(), reduction);
    }

    /// <summary>
    /// The smooth L1 loss (<c>F.smooth_l1_loss</c>): with z = |input - target|, 0.5 z² / beta where
    /// z &lt; beta, else z - 0.5 beta. beta = 0 is the L1 loss.
    /// </summary>
    /// <exception cref="ArgumentException">beta is negative, or as for <see cref="MseLoss(Tensor, Tensor, Reduction)"/>.</exception>
    public static Tensor SmoothL1Loss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean, double beta = 1.0)
    {
        const string op = "smooth_l1_loss";
        CheckPointwiseLoss(input, target, reduction, op);
        WarnIfTargetSizeDiffers(input, target);
        CheckBeta(beta);
        var z = (input - target).Abs();
        if (beta == 0) return Reduce(z, reduction);
        return Reduce(Tensor.Where(z < beta, 0.5 * z * z / beta, z - 0.5 * beta), reduction);
    }

    /// <summary>
    /// The Huber loss (<c>F.huber_loss</c>): with z = |input - target|, 0.5 z² where z &lt; delta, else
    /// delta (z - 0.5 delta). It is <see cref="SmoothL1Loss(Tensor, Tensor, Reduction, double)"/> with
    /// beta = delta, times delta.
    /// </summary>
    /// <exception cref="ArgumentException">delta is not positive, or as for <see cref="MseLoss(Tensor, Tensor, Reduction)"/>.</exception>
    public static Tensor HuberLoss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean, double delta = 1.0)
    {
        const string op = "huber_loss";
        CheckPointwiseLoss(input, target, reduction, op);
        WarnIfTargetSizeDiffers(input, target);
        CheckDelta(delta);
        var z = (input - target).Abs();
        return Reduce(Tensor.Where(z < delta, 0.5 * z * z, delta * (z - 0.5 * delta)), reduction);
    }

    /// <summary>
    /// The Kullback-Leibler divergence of the target from the input (<c>F.kl_div</c>). The input holds
    /// log-probabilities; the target probabilities, or log-probabilities when
    /// <paramref name="logTarget"/>. Per element: target (log target - input), which is 0 where the
    /// target is 0 (and NaN where it is negative, as PyTorch's <c>xlogy</c>); with
    /// <paramref name="logTarget"/>, exp(target) (target - input).
    /// <see cref="Reduction.BatchMean"/> (<c>"batchmean"</c>) divides the sum by the input's first
    /// dimension and gives the true divergence per sample; <see cref="Reduction.Mean"/> divides by the
    /// number of elements, as PyTorch 1.13 does, and warns, as PyTorch does, that this will change.
    /// </summary>
    /// <exception cref="ArgumentException">The input is not floating point or the shapes do not broadcast.</exception>
    public static Tensor KlDiv(Tensor input, Tensor target, Reduction reduction = Reduction.Mean, bool logTarget = false)
    {
        const string op = "kl_div";
        CheckPointwiseLoss(input, target, reduction, op, allowBatchMean: true);
        if (reduction == Reduction.Mean)
            Warnings.Warn("reduction: 'mean' divides the total loss by both the batch size and the support size." +
                "'batchmean' divides only by the batch size, and aligns with the KL div math definition." +
                "'mean' will be changed to behave the same as 'batchmean' in the next major release.");
        Tensor loss;
        if (logTarget) loss = target.Exp() * (target - input);
        else
        {
            // xlogy(t, t) - t * input. The log's argument is 1 where the target is 0, so the branch
            // Where discards is finite and a target that requires grad gets no NaN from it.
            var zero = target.Eq(0);
            var safe = Tensor.Where(zero, 1.0, target);
            loss = Tensor.Where(zero, 0.0, target * safe.Log()) - target * input;
        }
        if (reduction == Reduction.BatchMean) return input.NDim == 0 ? loss.Sum() : loss.Sum() / input.Size(0);
        return Reduce(loss, reduction);
    }

    // ---------------------------------------------------------------- shared by the losses

    /// <summary>Applies None, Mean or Sum; BatchMean was refused (or handled) before.</summary>
    private static Tensor Reduce(Tensor loss, Reduction reduction) => reduction switch
    {
        Reduction.None => loss,
        Reduction.Mean => loss.Mean(),
        Reduction.Sum => loss.Sum(),
        _ => throw new ArgumentOutOfRangeException(nameof(reduction), $"unexpected reduction {reduction}."),
    };

    /// <summary>Refuses unknown reductions, and BatchMean for every loss but the KL divergence (PyTorch's ValueError).</summary>
    internal static void CheckReduction(Reduction reduction, string op, bool allowBatchMean = false)
    {
        if (reduction == Reduction.BatchMean && !allowBatchMean)
            throw new ArgumentException($"{op}: batchmean is not a valid value for reduction: Reduction.BatchMean is only accepted by kl_div (F.KlDiv, KlDivLoss); use None, Mean or Sum.", nameof(reduction));
        if (!Enum.IsDefined(reduction))
            throw new ArgumentOutOfRangeException(nameof(reduction), $"{op}: {(int)reduction} is not a valid value for reduction; expected None, Mean or Sum{(allowBatchMean ? " or BatchMean" : "")}.");
    }

    private static void CheckFloatingInput(Tensor input, string op)
    {
        if (!input.DType.IsFloatingPoint())
            throw new ArgumentException($"{op}: expected a floating-point input (float32 or float64), got {input.DType.TorchName()}.", nameof(input));
    }

    /// <summary>The checks of the elementwise losses: arguments present, floating input, shapes that broadcast.</summary>
    private static void CheckPointwiseLoss(Tensor input, Tensor target, Reduction reduction, string op, bool allowBatchMean = false)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(target);
        CheckReduction(reduction, op, allowBatchMean);
        CheckFloatingInput(input, op);
        Dims.Broadcast(input.Shape.AsSpan(), target.Shape.AsSpan(), op);
    }

    /// <summary>PyTorch's warning for the regression losses, whose target broadcasts (shapes as Ember prints them).</summary>
    private static void WarnIfTargetSizeDiffers(Tensor input, Tensor target)
    {
        if (input.Shape != target.Shape)
            Warnings.Warn($"Using a target size ({target.Shape}) that is different to the input size ({input.Shape}). " +
                "This will likely lead to incorrect results due to broadcasting. Please ensure they have the same size.");
    }

    internal static void CheckBeta(double beta)
    {
        if (!(beta >= 0)) throw new ArgumentOutOfRangeException(nameof(beta), $"smooth_l1_loss does not support negative values for beta (got {beta}).");
    }

    internal static void CheckDelta(double delta)
    {
        if (!(delta > 0)) throw new ArgumentOutOfRangeException(nameof(delta), $"huber_loss does not support non-positive values for delta (got {delta}).");
    }
}
