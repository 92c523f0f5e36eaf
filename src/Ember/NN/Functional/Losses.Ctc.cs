using Ember.Graph;

namespace Ember.NN;

// The connectionist temporal classification loss as PyTorch 1.13 computes it on the CPU
// (aten/src/ATen/native/LossCTC.cpp): the forward (alpha) and backward (beta) recursions in log
// space over the extended target (blanks between and around the labels), here accumulated in
// float64 for every input dtype. The gradient is PyTorch's: exp(lp) - exp(log(sum alpha beta) + nll - lp)
// per frame and class, zero past each input length, and zero for a whole sample whose loss is
// infinite under zero_infinity. Its exp(lp) term only cancels through a log_softmax, as in PyTorch,
// so log_probs should be log_softmax outputs. The gradient is computed with the value and saved;
// the table's row scales it by the incoming per-sample gradient.
public static partial class F
{
    /// <summary>
    /// The CTC loss (<c>F.ctc_loss</c>). <paramref name="logProbs"/> is [T, N, C] (or unbatched [T, C])
    /// log-probabilities, normally <c>LogSoftmax(2)</c> of a network's output; <paramref name="targets"/>
    /// is either padded [N, S] (or [S] unbatched) or the N targets concatenated in one 1-D tensor;
    /// <paramref name="inputLengths"/> and <paramref name="targetLengths"/> hold one length per sample
    /// (1-d integer tensors, or 0-d for an unbatched input). <paramref name="reduction"/> Mean divides each
    /// sample's loss by its target length (at least 1) and averages, as PyTorch; Sum adds; None gives the
    /// [N] losses. With <paramref name="zeroInfinity"/> an impossible alignment (infinite loss) gives 0 and
    /// no gradient. Differs from PyTorch only where PyTorch reads undefined memory: an input length of 0
    /// gives 0 for an empty target and infinity otherwise, and out-of-range labels are refused.
    /// Second derivatives are not supported (PyTorch does not implement them either).
    /// </summary>
    /// <exception cref="ArgumentException">The shapes, lengths, dtypes or blank do not fit together; the message says which.</exception>
    public static Tensor CtcLoss(Tensor logProbs, Tensor targets, Tensor inputLengths, Tensor targetLengths,
        int blank = 0, Reduction reduction = Reduction.Mean, bool zeroInfinity = false)
    {
        ArgumentNullException.ThrowIfNull(inputLengths);
        ArgumentNullException.ThrowIfNull(targetLengths);
        if (inputLengths.DType.IsFloatingPoint() || inputLengths.DType == DType.Bool)
            throw new ArgumentException($"ctc_loss: input_lengths must be integral, got {inputLengths.DType.TorchName()}.", nameof(inputLengths));
        if (targetLengths.DType.IsFloatingPoint() || targetLengths.DType == DType.Bool)
            throw new ArgumentException($"ctc_loss: target_lengths must be integral, got {targetLengths.DType.TorchName()}.", nameof(targetLengths));
        if (inputLengths.NDim > 1) throw new ArgumentException($"ctc_loss: input_lengths must be 0-d or 1-d, got shape {inputLengths.Shape}.", nameof(inputLengths));
        if (targetLengths.NDim > 1) throw new ArgumentException($"ctc_loss: target_lengths must be 0-d or 1-d, got shape {targetLengths.Shape}.", nameof(targetLengths));
        return CtcLoss(logProbs, targets, inputLengths.ToArray<long>(), targetLengths.ToArray<long>(), blank, reduction, zeroInfinity);
    }

    /// <inheritdoc cref="CtcLoss(Tensor, Tensor, Tensor, Tensor, int, Reduction, bool)"/>
    public static Tensor CtcLoss(Tensor logProbs, Tensor targets, int[] inputLengths, int[] targetLengths,
        int blank = 0, Reduction reduction = Reduction.Mean, bool zeroInfinity = false)
    {
        ArgumentNullException.ThrowIfNull(inputLengths);
        ArgumentNullException.ThrowIfNull(targetLengths);
        return CtcLoss(logProbs, targets, inputLengths.Select(v => (long)v).ToArray(), targetLengths.Select(v => (long)v).ToArray(), blank, reduction, zeroInfinity);
    }

    private static Tensor CtcLoss(Tensor logProbs, Tensor targets, long[] il, long[] tl, int blank, Reduction reduction, bool zeroInfinity)
    {
        ArgumentNullException.ThrowIfNull(logProbs);
        ArgumentNullException.ThrowIfNull(targets);
        CheckReduction(reduction, "ctc_loss");
        if (!logProbs.DType.IsFloatingPoint())
            throw new ArgumentException($"ctc_loss: expected floating-point log_probs (float32 or float64), got {logProbs.DType.TorchName()}.", nameof(logProbs));
        if (logProbs.NDim is not (2 or 3))
            throw new ArgumentException($"ctc_loss: expected log_probs of shape [T, N, C] or unbatched [T, C], got {logProbs.Shape}.", nameof(logProbs));
        if (targets.DType.IsFloatingPoint() || targets.DType == DType.Bool)
            throw new ArgumentException($"ctc_loss: targets must be integral, got {targets.DType.TorchName()}.", nameof(targets));
        bool batched = logProbs.NDim == 3;
        var lp = batched ? logProbs : logProbs.Unsqueeze(1);
        var tg = batched ? targets : targets.Unsqueeze(0);
        int T = lp.Shape[0], N = lp.Shape[1], C = lp.Shape[2];
        if (blank < 0 || blank >= C)
            throw new ArgumentException($"ctc_loss: blank must be in label range [0, {C}), got {blank}.", nameof(blank));
        if (il.Length != N) throw new ArgumentException($"ctc_loss: input_lengths must be of size batch_size ({N}), got {il.Length} lengths.");
        if (tl.Length != N) throw new ArgumentException($"ctc_loss: target_lengths must be of size batch_size ({N}), got {tl.Length} lengths.");
        for (int b = 0; b < N; b++)
        {
            if (il[b] < 0 || il[b] > T)
                throw new ArgumentException($"ctc_loss: Expected input_lengths to have value at most {T} (and at least 0), but got value {il[b]} for sample {b} (log_probs of shape {logProbs.Shape}).");
            if (tl[b] < 0) throw new ArgumentException($"ctc_loss: target_lengths must be non-negative, got {tl[b]} for sample {b}.");
        }
        var offsets = new long[N];
        if (tg.NDim == 1)
        {
            long pos = 0;
            for (int b = 0; b < N; b++) { offsets[b] = pos; pos += tl[b]; }
            if (tg.Shape[0] != pos)
                throw new ArgumentException($"ctc_loss: concatenated 1-d targets must hold the sum of target_lengths ({pos}) labels, got shape {targets.Shape}.");
        }
        else if (tg.NDim == 2)
        {
            if (tg.Shape[0] != N)
                throw new ArgumentException($"ctc_loss: padded targets must be [N, S] with N = {N} (the batch of log_probs {logProbs.Shape}), got {targets.Shape}.");
            long maxTl = tl.Length == 0 ? 0 : tl.Max();
            if (tg.Shape[1] < maxTl)
                throw new ArgumentException($"ctc_loss: Expected targets to have size at least {maxTl} (the longest target length) at dimension 1, but got {targets.Shape}.");
            for (int b = 0; b < N; b++) offsets[b] = (long)b * tg.Shape[1];
        }
        else throw new ArgumentException($"ctc_loss: expected targets as padded [N, S] or concatenated 1-d (unbatched: [S]), got shape {targets.Shape}.", nameof(targets));

        long[] labels = tg.Contiguous().ToArray<long>();
        for (int b = 0; b < N; b++)
            for (long s = 0; s < tl[b]; s++)
            {
                long l = labels[offsets[b] + s];
                if (l < 0 || l >= C || l == blank)
                    throw new ArgumentException($"ctc_loss: target label {l} of sample {b} (position {s}) must be in [0, {C}) and not the blank ({blank}).", nameof(targets));
            }

        double[] x = lp.Detach().Contiguous().ToArray<double>();
        bool wantGrad = Autograd.Recording(lp);
        var nll = new double[N];
        double[]? grad = wantGrad ? new double[x.Length] : null;
        for (int b = 0; b < N; b++)
            nll[b] = CtcSample(x, grad, T, N, C, b, (int)il[b], labels, offsets[b], (int)tl[b], blank, zeroInfinity);

        var res = Tensor.From<double>(nll, [N]).To(lp.DType).To(lp.Device);
        if (wantGrad)
        {
            var g = Tensor.From<double>(grad!, [T, N, C]).To(lp.DType).To(lp.Device);
            Derivatives.CtcLoss.Record(res, [lp], saved: [g]);
        }
        if (zeroInfinity) res = Tensor.Where(res.Eq(double.PositiveInfinity), Tensor.Zeros([], res.DType, res.Device), res);
        switch (reduction)
        {
            case Reduction.Mean:
                var lengths = Tensor.From<double>(tl.Select(v => (double)Math.Max(v, 1)).ToArray(), [N]).To(res.DType).To(res.Device);
                return (res / lengths).Mean();
            case Reduction.Sum:
                return res.Sum();
            default:
                return batched ? res : res.Squeeze(0);
        }
    }

    /// <summary>One sample's negative log-likelihood; fills its gradient slice when <paramref name="grad"/> is given.</summary>
    private static double CtcSample(double[] x, double[]? grad, int T, int N, int C, int b, int len, long[] labels, long offset, int tlen, int blank, bool zeroInfinity)
    {
        int S = 2 * tlen + 1;
        int Label(int s) => s % 2 == 0 ? blank : (int)labels[offset + s / 2];
        double Lp(int t, int c) => x[((long)t * N + b) * C + c];
        if (len == 0) return tlen == 0 ? 0 : double.PositiveInfinity;

        var alpha = new double[len * S];
        Array.Fill(alpha, double.NegativeInfinity);
        alpha[0] = Lp(0, blank);
        if (tlen > 0) alpha[1] = Lp(0, Label(1));
        for (int t = 1; t < len; t++)
            for (int s = 0; s < S; s++)
            {
                int l = Label(s);
                double a1 = alpha[(t - 1) * S + s];
                double a2 = s > 0 ? alpha[(t - 1) * S + s - 1] : double.NegativeInfinity;
                double a3 = s > 1 && Label(s - 2) != l ? alpha[(t - 1) * S + s - 2] : double.NegativeInfinity;
                alpha[t * S + s] = LogSumExp3(a1, a2, a3) + Lp(t, l);
            }
        double nll = tlen == 0
            ? -alpha[(len - 1) * S]
            : -LogSumExp3(alpha[(len - 1) * S + S - 1], alpha[(len - 1) * S + S - 2], double.NegativeInfinity);
        if (grad is null) return nll;
        if (zeroInfinity && double.IsPositiveInfinity(nll)) return nll;   // the sample's gradient stays 0

        var beta = new double[len * S];
        Array.Fill(beta, double.NegativeInfinity);
        beta[(len - 1) * S + S - 1] = Lp(len - 1, blank);
        if (tlen > 0) beta[(len - 1) * S + S - 2] = Lp(len - 1, Label(S - 2));
        for (int t = len - 2; t >= 0; t--)
            for (int s = 0; s < S; s++)
            {
                int l = Label(s);
                double b1 = beta[(t + 1) * S + s];
                double b2 = s < S - 1 ? beta[(t + 1) * S + s + 1] : double.NegativeInfinity;
                double b3 = s < S - 2 && Label(s + 2) != l ? beta[(t + 1) * S + s + 2] : double.NegativeInfinity;
                beta[t * S + s] = LogSumExp3(b1, b2, b3) + Lp(t, l);
            }

        var lcab = new double[C];
        for (int t = 0; t < len; t++)
        {
            Array.Fill(lcab, double.NegativeInfinity);
            for (int s = 0; s < S; s++)
            {
                int l = Label(s);
                lcab[l] = LogSumExp3(lcab[l], alpha[t * S + s] + beta[t * S + s], double.NegativeInfinity);
            }
            long row = ((long)t * N + b) * C;
            for (int c = 0; c < C; c++)
            {
                double lpv = x[row + c];
                grad[row + c] = Math.Exp(lpv) - Math.Exp(lcab[c] + nll - lpv);
            }
        }
        return nll;
    }

    // log(e^a + e^b + e^c), with PyTorch's guard: when all are -inf the result is -inf, not NaN.
    private static double LogSumExp3(double a, double b, double c)
    {
        double m = Math.Max(a, Math.Max(b, c));
        if (double.IsNegativeInfinity(m)) return double.NegativeInfinity;
        return Math.Log(Math.Exp(a - m) + Math.Exp(b - m) + Math.Exp(c - m)) + m;
    }
}
