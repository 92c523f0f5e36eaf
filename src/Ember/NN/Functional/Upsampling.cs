using System.Globalization;

namespace Ember.NN;

public static partial class F
{
    /// <summary>
    /// Resizes the spatial dims of [N, C, L] or [N, C, H, W] (<c>F.interpolate</c>). Give exactly one of
    /// <paramref name="size"/> and <paramref name="scaleFactor"/> (one value for every spatial dim, or one
    /// per dim); a scaled size is ⌊n · scale⌋. Modes: <c>"nearest"</c> (source index ⌊i · scale⌋ computed in
    /// float32, as PyTorch's CPU kernel, so the same pixels are picked), <c>"linear"</c> (3-D input) and
    /// <c>"bilinear"</c> (4-D input), with <paramref name="alignCorners"/> as PyTorch defines it (default false).
    /// Unless <paramref name="recomputeScaleFactor"/>, a given scale factor is used as is for the source
    /// coordinates rather than the ratio of the sizes. Built from <c>IndexSelect</c> and products, so it is
    /// differentiable everywhere.
    /// </summary>
    /// <exception cref="ArgumentException">Both or neither of size and scale factor, a wrong count of values, a mode that does not fit the input's rank, or align_corners with nearest.</exception>
    public static Tensor Interpolate(Tensor input, int[]? size = null, double[]? scaleFactor = null, string mode = "nearest",
        bool? alignCorners = null, bool recomputeScaleFactor = false)
    {
        const string op = "interpolate";
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(mode);
        int nd = input.NDim - 2;
        if (nd < 1) throw new ArgumentException($"{op}: Input dimension should be at least 3, but got input of size {input.Shape}");
        if (mode != "nearest" && mode != "linear" && mode != "bilinear")
            throw new ArgumentException($"{op}: Input Error: Ember supports the modes nearest, linear and bilinear, but got mode '{mode}'");
        if (mode == "nearest" && alignCorners is not null)
            throw new ArgumentException($"{op}: align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear");
        if (nd > 2) throw new ArgumentException($"{op}: Ember resizes 1 or 2 spatial dims, but got a {input.NDim}-D input of size {input.Shape}");
        if (mode == "bilinear" && nd != 2) throw new ArgumentException($"{op}: Got {input.NDim}D input, but bilinear mode needs 4D input");
        if (mode == "linear" && nd != 1) throw new ArgumentException($"{op}: Got {input.NDim}D input, but linear mode needs 3D input");
        if ((size is null) == (scaleFactor is null))
            throw new ArgumentException(size is null ? $"{op}: either size or scale_factor should be defined" : $"{op}: only one of size or scale_factor should be defined");
        if (!input.DType.IsFloatingPoint() && mode != "nearest")
            throw new NotSupportedException($"{op}: {mode} interpolation is not implemented for {input.DType.TorchName()}");

        var outSize = new int[nd];
        var scales = new double?[nd];
        for (int i = 0; i < nd; i++)
        {
            int n = input.Layout.Shape[2 + i];
            if (size is not null)
            {
                if (size.Length != 1 && size.Length != nd)
                    throw new ArgumentException($"{op}: Input and output must have the same number of spatial dimensions, but got input with spatial dimensions of {Shape.Format(input.Layout.Shape.AsSpan(2))} and output size of {Shape.Format(size)}. Please provide input tensor in (N, C, d1, d2, ...,dK) format and output size in (o1, o2, ...,oK) format.");
                outSize[i] = size.Length == 1 ? size[0] : size[i];
            }
            else
            {
                if (scaleFactor!.Length != 1 && scaleFactor.Length != nd)
                    throw new ArgumentException($"{op}: Input and scale_factor must have the same number of spatial dimensions, but got input with spatial dimensions of {Shape.Format(input.Layout.Shape.AsSpan(2))} and scale_factor of shape [{string.Join(", ", scaleFactor.Select(v => v.ToString(CultureInfo.InvariantCulture)))}].");
                double s = scaleFactor.Length == 1 ? scaleFactor[0] : scaleFactor[i];
                double scaled = Math.Floor(n * s);
                if (scaled > int.MaxValue) // a cast would wrap it (to int.MinValue on x64)
                    throw new ArgumentException($"{op}: input size {n} times scale_factor {s.ToString(CultureInfo.InvariantCulture)} gives an output size of {scaled.ToString(CultureInfo.InvariantCulture)}, more than a size can be (at most {int.MaxValue}); Ember's CPU storage holds at most {ShapeMath.MaxElements} elements per tensor.");
                outSize[i] = (int)scaled;
                if (!recomputeScaleFactor) scales[i] = s;
            }
            if (outSize[i] <= 0)
                throw new ArgumentException($"{op}: Input and output sizes should be greater than 0, but got input ({Shape.Format(input.Layout.Shape.AsSpan(2))}) and output ({Shape.Format(outSize)})");
        }
        ShapeMath.Numel([.. input.Layout.Shape.AsSpan(0, 2), .. outSize], op); // before the per-dim index arrays
        var x = input;
        // Last dim first: bilinear is then h0·(w0·x00 + w1·x01) + h1·(...), PyTorch's order of operations.
        for (int i = nd - 1; i >= 0; i--)
        {
            int d = 2 + i, n = input.Layout.Shape[d];
            x = mode == "nearest"
                ? x.IndexSelect(d, Tensor.From(NearestIndices(n, outSize[i], scales[i]), input.Device))
                : LinearAlong(x, d, n, outSize[i], scales[i], alignCorners ?? false);
        }
        return x;
    }

    /// <summary>PyTorch's nearest_idx: the identity or a halving for the common sizes, else ⌊i · scale⌋ in float32, clamped.</summary>
    private static long[] NearestIndices(int n, int outSize, double? scale)
    {
        var idx = new long[outSize];
        float s = scale is > 0 ? (float)(1.0 / scale.Value) : (float)n / outSize;
        for (int i = 0; i < outSize; i++)
            idx[i] = outSize == n ? i : outSize == 2 * n ? i >> 1 : Math.Min((long)MathF.Floor(i * s), n - 1);
        return idx;
    }

    /// <summary>Linear interpolation along one dim: two gathered neighbours weighted by the fractional source position.</summary>
    private static Tensor LinearAlong(Tensor x, int dim, int n, int outSize, double? scale, bool alignCorners)
    {
        var i0 = new long[outSize]; var i1 = new long[outSize];
        var w0 = new double[outSize]; var w1 = new double[outSize];
        bool f32 = x.DType == DType.Float32;
        for (int i = 0; i < outSize; i++)
        {
            // area_pixel_compute_scale / _source_index in the element type (float for float32), as PyTorch.
            double real;
            if (f32)
            {
                float s = alignCorners ? (outSize > 1 ? (float)(n - 1) / (outSize - 1) : 0f)
                    : scale is > 0 ? (float)(1.0 / scale.Value) : (float)n / outSize;
                real = alignCorners ? s * i : Math.Max(s * (i + 0.5f) - 0.5f, 0f);
            }
            else
            {
                double s = alignCorners ? (outSize > 1 ? (double)(n - 1) / (outSize - 1) : 0)
                    : scale is > 0 ? 1.0 / scale.Value : (double)n / outSize;
                real = alignCorners ? s * i : Math.Max(s * (i + 0.5) - 0.5, 0);
            }
            long a = Math.Min((long)real, n - 1);
            double lambda = Math.Clamp(f32 ? (float)real - a : real - a, 0, 1);
            i0[i] = a; i1[i] = a + (a < n - 1 ? 1 : 0);
            w1[i] = lambda; w0[i] = f32 ? 1f - (float)lambda : 1 - lambda;
        }
        var shape = new int[x.NDim];
        Array.Fill(shape, 1);
        shape[dim] = outSize;
        Tensor W(double[] w) => Tensor.From(w, x.Device).To(x.DType).View(shape);
        var lo = x.IndexSelect(dim, Tensor.From(i0, x.Device));
        var hi = x.IndexSelect(dim, Tensor.From(i1, x.Device));
        return lo * W(w0) + hi * W(w1);
    }

    /// <summary>
    /// Nearest-neighbour upsampling (<c>F.upsample_nearest</c>, deprecated in PyTorch, which warns, and so
    /// does Ember): <see cref="Interpolate"/> with mode "nearest".
    /// </summary>
    public static Tensor UpsampleNearest(Tensor input, int[]? size = null, double[]? scaleFactor = null)
    {
        Warnings.Warn("nn.functional.upsample_nearest is deprecated. Use nn.functional.interpolate instead.");
        return Interpolate(input, size, scaleFactor, "nearest");
    }

    /// <summary>
    /// Bilinear upsampling with aligned corners (<c>F.upsample_bilinear</c>, deprecated in PyTorch, which
    /// warns, and so does Ember): <see cref="Interpolate"/> with mode "bilinear" and align_corners true.
    /// </summary>
    public static Tensor UpsampleBilinear(Tensor input, int[]? size = null, double[]? scaleFactor = null)
    {
        Warnings.Warn("nn.functional.upsample_bilinear is deprecated. Use nn.functional.interpolate instead.");
        return Interpolate(input, size, scaleFactor, "bilinear", alignCorners: true);
    }
}
