namespace Ember.NN;

public static partial class F
{
    /// <summary>
    /// Fractional max pooling over [N, C, H, W] or [C, H, W] (<c>F.fractional_max_pool2d</c>, Graham 2014):
    /// each plane's windows of <paramref name="kernelSize"/> start at pseudo-random, increasing offsets
    /// chosen so the output has <paramref name="outputSize"/> (or input size × <paramref name="outputRatio"/>,
    /// truncated). The offsets come from <paramref name="randomSamples"/>, [N, C, 2] in [0, 1) in the
    /// input's dtype (index 0 for the width, 1 for the height), or, when null, from
    /// <c>Tensor.Rand([N, C, 2])</c> on the default generator, as PyTorch draws them, so a seed gives
    /// PyTorch's windows. Differentiable in the input.
    /// </summary>
    /// <exception cref="ArgumentException">Neither or both of size and ratio, a bad rank, a window too large for the input, or samples of the wrong shape or dtype.</exception>
    public static Tensor FractionalMaxPool2d(Tensor input, IntOrPair kernelSize, IntOrPair? outputSize = null, PoolRatio? outputRatio = null,
        Tensor? randomSamples = null) =>
        FractionalMaxPool2dWithIndices(input, kernelSize, outputSize, outputRatio, randomSamples).Output;

    /// <summary>
    /// <see cref="FractionalMaxPool2d"/> with the position of each maximum within its plane (h · W + w,
    /// int64), as <c>return_indices=True</c> gives (usable with <see cref="MaxUnpool2d"/>).
    /// </summary>
    /// <exception cref="ArgumentException">See <see cref="FractionalMaxPool2d"/>.</exception>
    public static (Tensor Output, Tensor Indices) FractionalMaxPool2dWithIndices(Tensor input, IntOrPair kernelSize, IntOrPair? outputSize = null,
        PoolRatio? outputRatio = null, Tensor? randomSamples = null) =>
        FractionalMaxPool.Run("fractional_max_pool2d", input, kernelSize.ToArray(), outputSize?.ToArray(), outputRatio, randomSamples);

    /// <summary>
    /// Fractional max pooling over [N, C, T, H, W] or [C, T, H, W] (<c>F.fractional_max_pool3d</c>); as
    /// <see cref="FractionalMaxPool2d"/>, with samples [N, C, 3] (index 0 for time, 1 for height, 2 for width).
    /// </summary>
    /// <exception cref="ArgumentException">See <see cref="FractionalMaxPool2d"/>.</exception>
    public static Tensor FractionalMaxPool3d(Tensor input, IntOrTriple kernelSize, IntOrTriple? outputSize = null, PoolRatio? outputRatio = null,
        Tensor? randomSamples = null) =>
        FractionalMaxPool3dWithIndices(input, kernelSize, outputSize, outputRatio, randomSamples).Output;

    /// <summary><see cref="FractionalMaxPool3d"/> with the position of each maximum within its volume (t · H · W + h · W + w, int64).</summary>
    /// <exception cref="ArgumentException">See <see cref="FractionalMaxPool2d"/>.</exception>
    public static (Tensor Output, Tensor Indices) FractionalMaxPool3dWithIndices(Tensor input, IntOrTriple kernelSize, IntOrTriple? outputSize = null,
        PoolRatio? outputRatio = null, Tensor? randomSamples = null) =>
        FractionalMaxPool.Run("fractional_max_pool3d", input, kernelSize.ToArray(), outputSize?.ToArray(), outputRatio, randomSamples);
}

/// <summary>
/// Fractional max pooling as a composition: PyTorch's window offsets (ATen's <c>generate_intervals</c>,
/// in the input's precision), a gather of every window's elements and a max over them, so autograd
/// gives the gradient (each output's gradient to its maximum, summed where windows overlap) without a
/// rule of its own.
/// </summary>
internal static class FractionalMaxPool
{
    private static readonly string[] DimNames2 = ["height", "width"];
    private static readonly string[] DimNames3 = ["time", "height", "width"];

    public static (Tensor Output, Tensor Indices) Run(string op, Tensor input, int[] kernel, int[]? outputSize, PoolRatio? outputRatio, Tensor? samples)
    {
        ArgumentNullException.ThrowIfNull(input);
        int nd = kernel.Length;
        var dimNames = nd == 2 ? DimNames2 : DimNames3;
        if (input.NDim != nd + 1 && input.NDim != nd + 2)
            throw new ArgumentException($"{op}(): Expected {nd + 1}D or {nd + 2}D tensor, but got: {input.Shape}");
        if (!input.DType.IsFloatingPoint())
            throw new ArgumentException($"{op}(): expected a floating-point input, got {input.DType.TorchName()}");
        if (outputSize is null == outputRatio is null)
            throw new ArgumentException(outputSize is null
                ? $"{op}(): requires specifying either an output size, or a pooling ratio"
                : $"{op}(): only one of output_size and output_ratio may be specified");
        bool batched = input.NDim == nd + 2;
        var x = batched ? input : input.Unsqueeze(0);
        int n = x.Size(0), c = x.Size(1);
        var inSize = x.Shape.ToArray()[2..];
        for (int d = 0; d < nd; d++)
        {
            if (inSize[d] <= 0) throw new ArgumentException($"{op}(): Expected input to have non-zero size for non-batch dimensions, but got {input.Shape}");
            if (kernel[d] <= 0) throw new ArgumentException($"{op}(): kernel_size must be positive, got {ConvNd.Tuple(kernel)}");
        }
        int[] outSize;
        if (outputRatio is { } ratio)
        {
            var r = ratio.ToArray(nd, op + "()");
            if (r.Any(v => !(v > 0 && v < 1))) throw new ArgumentException($"{op}(): output_ratio must be between 0 and 1 (got {ratio})");
            outSize = Enumerable.Range(0, nd).Select(d => (int)(inSize[d] * r[d])).ToArray();
        }
        else outSize = outputSize!;
        for (int d = 0; d < nd; d++)
        {
            if (outSize[d] < 0) throw new ArgumentException($"{op}(): output_size must be non-negative, got {ConvNd.Tuple(outSize)}");
            if (outSize[d] + kernel[d] - 1 > inSize[d])
                throw new ArgumentException($"{op}(): pool {dimNames[d]} {kernel[d]} too large relative to input {dimNames[d]} {inSize[d]} (output {dimNames[d]} {outSize[d]})");
        }

        // PyTorch draws the samples before anything else: torch.rand(N, C, nd) in the input's dtype.
        samples ??= Tensor.Rand([n, c, nd], dtype: input.DType, device: input.Device);
        if (samples.NDim != 3 || samples.Size(0) != n || samples.Size(1) != c || samples.Size(2) != nd)
            throw new ArgumentException($"{op}(): expected _random_samples of shape [{n}, {c}, {nd}] for an input of {input.Shape}, got {samples.Shape}");
        if (samples.DType != input.DType)
            throw new ArgumentException($"{op}(): expected _random_samples of dtype {input.DType.TorchName()} (the input's), got {samples.DType.TorchName()}");

        var (index, k, p) = WindowIndices(samples, input.DType == DType.Float32, inSize, outSize, kernel, n, c);
        var idx = Tensor.From<long>(index, [n, c, p * k], input.Device);
        var flat = x.Reshape(n, c, -1);
        var windows = flat.Gather(2, idx).View(n, c, p, k);
        var (values, arg) = windows.Max(3);
        var indices = idx.View(n, c, p, k).Gather(3, arg.Unsqueeze(3)).Squeeze(3);
        int[] shape = [n, c, .. outSize];
        var output = values.Reshape(shape);
        var ind = indices.Reshape(shape);
        return batched ? (output, ind) : (output.Squeeze(0), ind.Squeeze(0));
    }

    // For each plane, output position (row-major) and window element (row-major), the flat input index.
    private static (long[] Index, int K, int P) WindowIndices(Tensor samples, bool single, int[] inSize, int[] outSize, int[] kernel, int n, int c)
    {
        int nd = kernel.Length;
        double[] s = samples.Contiguous().To(DType.Float64).ToArray<double>();
        int k = kernel.Aggregate(1, (a, b) => a * b), p = outSize.Aggregate(1, (a, b) => a * b);
        var index = new long[(long)n * c * p * k];
        var starts = new int[nd][];
        var inStride = new int[nd];
        inStride[nd - 1] = 1;
        for (int d = nd - 2; d >= 0; d--) inStride[d] = inStride[d + 1] * inSize[d + 1];
        var o = new int[nd];
        var w = new int[nd];
        long at = 0;
        for (int plane = 0; plane < n * c; plane++)
        {
            for (int d = 0; d < nd; d++)
            {
                // ATen's sample order: 2-D planes take (width, height), 3-D ones (time, height, width).
                int sampleIndex = nd == 2 ? 1 - d : d;
                starts[d] = Intervals(s[plane * nd + sampleIndex], single, inSize[d], outSize[d], kernel[d]);
            }
            for (int pi = 0; pi < p; pi++)
            {
                Unravel(pi, outSize, o);
                for (int ki = 0; ki < k; ki++)
                {
                    Unravel(ki, kernel, w);
                    long pos = 0;
                    for (int d = 0; d < nd; d++) pos += (long)(starts[d][o[d]] + w[d]) * inStride[d];
                    index[at++] = pos;
                }
            }
        }
        return (index, k, p);
    }

    private static void Unravel(int i, int[] sizes, int[] into)
    {
        for (int d = sizes.Length - 1; d >= 0; d--)
        {
            into[d] = i % sizes[d];
            i /= sizes[d];
        }
    }

    /// <summary>
    /// ATen's <c>generate_intervals</c>: window starts ⌊(i + u)·α⌋ − ⌊u·α⌋ with α = (in − k)/(out − 1),
    /// the last one at in − k; computed in float for float32 inputs, as ATen's scalar_t, so the
    /// truncations agree with PyTorch's.
    /// </summary>
    internal static int[] Intervals(double sample, bool single, int inputSize, int outputSize, int poolSize)
    {
        var seq = new int[outputSize];
        if (outputSize > 1)
        {
            if (single)
            {
                float u = (float)sample, alpha = (float)(inputSize - poolSize) / (outputSize - 1);
                for (int i = 0; i < outputSize - 1; i++) seq[i] = (int)((i + u) * alpha) - (int)(u * alpha);
            }
            else
            {
                double alpha = (double)(inputSize - poolSize) / (outputSize - 1);
                for (int i = 0; i < outputSize - 1; i++) seq[i] = (int)((i + sample) * alpha) - (int)(sample * alpha);
            }
        }
        if (outputSize > 0) seq[outputSize - 1] = inputSize - poolSize;
        return seq;
    }
}
