using Ember.Jit;
namespace Ember.NN;

// Batch, layer and group normalisation as composites of recorded ops (mean, biased variance, rsqrt),
// so their gradients are autograd's and need no rows: (x - mean) * rsqrt(var + eps), then the affine
// weight and bias. Running statistics are updated under no-grad in float64, as PyTorch's CPU kernel
// accumulates them in double, and written back in the buffers' dtype.
public static partial class F
{
    /// <summary>
    /// Batch normalisation over every dim but dim 1 (<c>F.batch_norm</c>). In
    /// <paramref name="training"/> mode the batch's mean and biased variance normalise the input and,
    /// when given, <paramref name="runningMean"/> and <paramref name="runningVar"/> are updated in place:
    /// <c>r = (1 - momentum) * r + momentum * s</c>, with the unbiased variance for the running variance.
    /// Otherwise the running statistics normalise the input.
    /// </summary>
    /// <exception cref="ArgumentException">The input has fewer than 2 dims; a statistic or affine tensor does not have C elements;
    /// training with one value per channel; evaluating without running statistics.</exception>
    public static Tensor BatchNorm(Tensor input, Tensor? runningMean, Tensor? runningVar, Tensor? weight = null, Tensor? bias = null,
        bool training = false, double momentum = 0.1, double eps = 1e-5)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (Tracer.IsActive)
            return Tracer.Record("aten::batch_norm", [input, weight, bias, runningMean, runningVar],
                new Attributes().Set("training", training).Set("momentum", momentum).Set("eps", eps),
                static (x, a) => [BatchNorm(x[0]!, x[3], x[4], x[1], x[2], a.Bool("training"), a.Double("momentum"), a.Double("eps"))]);
        if (input.NDim < 2) throw new ArgumentException($"batch_norm: expected an input with at least 2 dims (N, C, ...), got shape {input.Shape}.");
        int c = input.Shape[1];
        foreach (var (t, n) in new[] { (runningMean, "running_mean"), (runningVar, "running_var"), (weight, "weight"), (bias, "bias") })
            if (t is not null && (t.NDim != 1 || t.Shape[0] != c))
                throw new ArgumentException($"batch_norm: {n} should contain {c} elements not {t.Numel()}.");
        var dims = new List<int> { 0 };
        for (int i = 2; i < input.NDim; i++) dims.Add(i);
        int[] axes = dims.ToArray();
        var bshape = new int[input.NDim];
        Array.Fill(bshape, 1);
        bshape[1] = c;
        Tensor normalized;
        if (training)
        {
            long count = input.Numel() / Math.Max(c, 1);
            if (count == 1)
                throw new ArgumentException($"batch_norm: Expected more than 1 value per channel when training, got input size {input.Shape}.");
            var mean = input.Mean(axes, keepDim: true);
            var variance = input.Var(axes, correction: 0, keepDim: true);
            normalized = (input - mean) * (variance + eps).Rsqrt();
            if (runningMean is not null || runningVar is not null)
                UpdateRunningStats(input, axes, count, runningMean, runningVar, momentum);
        }
        else
        {
            if (runningMean is null || runningVar is null)
                throw new ArgumentException("batch_norm: running_mean and running_var must be defined in evaluation mode.");
            normalized = (input - runningMean.Reshape(bshape)) * (runningVar.Reshape(bshape) + eps).Rsqrt();
        }
        if (weight is not null) normalized = normalized * weight.Reshape(bshape);
        if (bias is not null) normalized = normalized + bias.Reshape(bshape);
        return normalized;
    }

    private static void UpdateRunningStats(Tensor input, int[] axes, long count, Tensor? runningMean, Tensor? runningVar, double momentum)
    {
        using var _ = Autograd.NoGrad();
        var x = input.To(DType.Float64);
        if (runningMean is not null)
        {
            var mean = x.Mean(axes);
            runningMean.Copy_(mean * momentum + runningMean.To(DType.Float64) * (1 - momentum));
        }
        if (runningVar is not null)
        {
            var unbiased = x.Var(axes, correction: 0) * ((double)count / (count - 1));
            runningVar.Copy_(unbiased * momentum + runningVar.To(DType.Float64) * (1 - momentum));
        }
    }

    /// <summary>
    /// Normalises over the last <c>normalizedShape.Length</c> dims (<c>F.layer_norm</c>): mean and biased
    /// variance of each sample's trailing block, then the elementwise weight and bias (of shape
    /// <paramref name="normalizedShape"/>) when given.
    /// </summary>
    /// <exception cref="ArgumentException">The input's trailing dims are not <paramref name="normalizedShape"/>, or weight/bias have another shape.</exception>
    public static Tensor LayerNorm(Tensor input, int[] normalizedShape, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (Tracer.IsActive)
            return Tracer.Record("aten::layer_norm", [input, weight, bias],
                new Attributes().Set("normalized_shape", (int[])normalizedShape.Clone()).Set("eps", eps),
                static (x, a) => [LayerNorm(x[0]!, a.Ints("normalized_shape"), x[1], x[2], a.Double("eps"))]);
        ArgumentNullException.ThrowIfNull(normalizedShape);
        int k = normalizedShape.Length;
        bool ok = k > 0 && input.NDim >= k;
        for (int i = 0; ok && i < k; i++) ok = input.Shape[input.NDim - k + i] == normalizedShape[i];
        if (!ok)
            throw new ArgumentException($"layer_norm: Given normalized_shape=[{string.Join(", ", normalizedShape)}], expected input with shape [*, {string.Join(", ", normalizedShape)}], but got input of size{input.Shape}.");
        foreach (var (t, n) in new[] { (weight, "weight"), (bias, "bias") })
            if (t is not null && !t.Shape.ToArray().AsSpan().SequenceEqual(normalizedShape))
                throw new ArgumentException($"layer_norm: Expected {n} to be of same shape as normalized_shape, but got {n} of shape {t.Shape} and normalized_shape = [{string.Join(", ", normalizedShape)}].");
        if (FusedLayerNormApplies(input, weight, bias)) return LayerNormFused(input, normalizedShape, weight, bias, eps);
        var axes = Enumerable.Range(input.NDim - k, k).ToArray();
        var mean = input.Mean(axes, keepDim: true);
        var variance = input.Var(axes, correction: 0, keepDim: true);
        var y = (input - mean) * (variance + eps).Rsqrt();
        if (weight is not null) y = y * weight;
        if (bias is not null) y = y + bias;
        return y;
    }

    /// <summary>
    /// Group normalisation (<c>F.group_norm</c>): the C channels of each sample are split into
    /// <paramref name="numGroups"/> groups, each normalised by its own mean and biased variance; then the
    /// per-channel weight and bias when given.
    /// </summary>
    /// <exception cref="ArgumentException">The input has fewer than 2 dims, or C is not divisible by the number of groups.</exception>
    public static Tensor GroupNorm(Tensor input, int numGroups, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.NDim < 2) throw new ArgumentException($"group_norm: expected an input with at least 2 dims (N, C, ...), got shape {input.Shape}.");
        int n = input.Shape[0], c = input.Shape[1];
        if (numGroups <= 0 || c % numGroups != 0)
            throw new ArgumentException($"group_norm: Expected number of channels in input to be divisible by num_groups, but got input of shape {input.Shape} and num_groups={numGroups}.");
        var grouped = input.Reshape(n, numGroups, -1);
        var mean = grouped.Mean(2, keepDim: true);
        var variance = grouped.Var(2, correction: 0, keepDim: true);
        var y = ((grouped - mean) * (variance + eps).Rsqrt()).Reshape(input.Shape.ToArray());
        var bshape = new int[input.NDim];
        Array.Fill(bshape, 1);
        bshape[1] = c;
        if (weight is not null) y = y * weight.Reshape(bshape);
        if (bias is not null) y = y + bias.Reshape(bshape);
        return y;
    }
}
