using Ember.NN;

namespace Ember.Serialization.Import;

/// <summary>Convolution, pooling, normalisation and dropout.</summary>
internal static partial class ImportOps
{
    private static void AddNN(Dictionary<string, Func<NodeContext, Kernel>> t)
    {
        t["Conv"] = Conv;
        t["MaxPool"] = n => Pool(n, max: true);
        t["AveragePool"] = n => Pool(n, max: false);
        t["GlobalAveragePool"] = n => { n.Known(); return One(n, 1, 1, x => GlobalPool(In(x, 0), max: false)); };
        t["GlobalMaxPool"] = n => { n.Known(); return One(n, 1, 1, x => GlobalPool(In(x, 0), max: true)); };
        t["BatchNormalization"] = BatchNorm;
        t["LayerNormalization"] = LayerNorm;
        t["Dropout"] = Dropout;
    }

    /// <summary>
    /// Window geometry shared by Conv and the pools: kernel, strides, dilations and ONNX's begin/end pads, with
    /// auto_pad resolved (SAME_* needs the input size, so pads may be computed per run).
    /// </summary>
    private sealed class Windows
    {
        internal required int Spatial;
        internal int[]? Kernel;
        internal required int[] Strides;
        internal required int[] Dilations;
        internal required int[] Pads;      // begin..., end...
        internal required string AutoPad;

        internal static Windows Read(NodeContext n, int? spatial, int[]? kernel, bool stridesDefaultOne = true)
        {
            int s = spatial ?? kernel?.Length ?? throw n.Bad("has no kernel_shape");
            if (s is < 1 or > 3) throw n.Unsupported($"{s}-d windows");
            if (kernel is not null && (kernel.Length != s || kernel.Any(k => k < 1))) throw n.Bad($"has kernel_shape {NodeContext.Format(kernel.Select(k => (long)k))}");
            int[] strides = n.SmallInts("strides") ?? Enumerable.Repeat(1, s).ToArray();
            int[] dil = n.SmallInts("dilations") ?? Enumerable.Repeat(1, s).ToArray();
            int[] pads = n.SmallInts("pads") ?? new int[2 * s];
            string auto = n.String("auto_pad", "NOTSET");
            if (strides.Length != s || strides.Any(v => v < 1)) throw n.Bad($"has strides {NodeContext.Format(strides.Select(v => (long)v))} for {s} spatial dims");
            if (dil.Length != s || dil.Any(v => v < 1)) throw n.Bad($"has dilations {NodeContext.Format(dil.Select(v => (long)v))} for {s} spatial dims");
            if (pads.Length != 2 * s || pads.Any(v => v < 0)) throw n.Bad($"has pads {NodeContext.Format(pads.Select(v => (long)v))} for {s} spatial dims");
            if (auto is not ("NOTSET" or "VALID" or "SAME_UPPER" or "SAME_LOWER")) throw n.Bad($"has auto_pad \"{auto}\"");
            if (auto == "VALID") pads = new int[2 * s];
            return new Windows { Spatial = s, Kernel = kernel, Strides = strides, Dilations = dil, Pads = pads, AutoPad = auto };
        }

        /// <summary>The begin/end pads for an input with these spatial sizes (SAME_* pads so the output is ceil(in / stride)).</summary>
        internal int[] PadsFor(ReadOnlySpan<int> spatialSizes, int[] kernel)
        {
            if (AutoPad is not ("SAME_UPPER" or "SAME_LOWER")) return Pads;
            var p = new int[2 * Spatial];
            for (int i = 0; i < Spatial; i++)
            {
                long outSize = (spatialSizes[i] + (long)Strides[i] - 1) / Strides[i];
                long total = Math.Max(0, (outSize - 1) * Strides[i] + (long)(kernel[i] - 1) * Dilations[i] + 1 - spatialSizes[i]);
                int small = (int)(total / 2), big = (int)(total - total / 2);
                (p[i], p[i + Spatial]) = AutoPad == "SAME_UPPER" ? (small, big) : (big, small);
            }
            return p;
        }
    }

    /// <summary>Pads the spatial dims explicitly (F.Pad orders pairs from the last dim back).</summary>
    private static Tensor PadSpatial(Tensor x, int[] pads, int spatial, double value)
    {
        var p = new int[2 * spatial];
        for (int i = 0; i < spatial; i++)
        {
            int d = spatial - 1 - i;
            p[2 * i] = pads[d];
            p[2 * i + 1] = pads[d + spatial];
        }
        return F.Pad(x, p, "constant", value);
    }

    private static bool Symmetric(int[] pads, int spatial)
    {
        for (int i = 0; i < spatial; i++)
            if (pads[i] != pads[i + spatial]) return false;
        return true;
    }

    private static Kernel Conv(NodeContext n)
    {
        n.Known("auto_pad", "dilations", "group", "kernel_shape", "pads", "strides");
        var kernelAttr = n.SmallInts("kernel_shape");
        int group = n.SmallInt("group", 1);
        if (group < 1) throw n.Bad($"has group {group}");
        Windows? w = null;
        if (kernelAttr is not null) w = Windows.Read(n, null, kernelAttr);
        n.Inputs(2, 3);
        n.Outputs(1);
        return x =>
        {
            Tensor input = In(x, 0), weight = In(x, 1);
            var bias = Opt(x, 2);
            int spatial = weight.NDim - 2;
            if (spatial is < 1 or > 2) throw new ArgumentException($"Conv: a weight of shape {weight.Shape} ({spatial} spatial dims) is not supported; 1-d and 2-d convolutions are.");
            if (input.NDim != spatial + 2) throw new ArgumentException($"Conv: input of shape {input.Shape} for a weight of shape {weight.Shape}; expected {spatial + 2} dims.");
            var win = w ?? Windows.Read(n, spatial, null);
            if (win.Spatial != spatial) throw new ArgumentException($"Conv: the node's windows are {win.Spatial}-d but the weight {weight.Shape} is {spatial}-d.");
            int[] kernel = weight.Shape.ToArray()[2..];
            if (win.Kernel is { } k && !k.AsSpan().SequenceEqual(kernel))
                throw new ArgumentException($"Conv: kernel_shape {NodeContext.Format(k.Select(v => (long)v))} differs from the weight's {weight.Shape}.");
            int[] pads = win.PadsFor(input.Shape.ToArray().AsSpan(2), kernel);
            if (!Symmetric(pads, spatial))
            {
                input = PadSpatial(input, pads, spatial, 0);
                pads = new int[2 * spatial];
            }
            return [spatial == 1
                ? F.Conv1d(input, weight, bias, win.Strides[0], pads[0], win.Dilations[0], group)
                : F.Conv2d(input, weight, bias, (win.Strides[0], win.Strides[1]), (pads[0], pads[1]), (win.Dilations[0], win.Dilations[1]), group)];
        };
    }

    private static Kernel Pool(NodeContext n, bool max)
    {
        if (max) n.Known("auto_pad", "ceil_mode", "dilations", "kernel_shape", "pads", "storage_order", "strides");
        else n.Known("auto_pad", "ceil_mode", "count_include_pad", "dilations", "kernel_shape", "pads", "strides");
        var kernel = n.SmallInts("kernel_shape") ?? throw n.Bad("has no kernel_shape");
        var w = Windows.Read(n, null, kernel);
        bool ceil = n.Flag("ceil_mode", false);
        bool includePad = !max && n.Flag("count_include_pad", false);
        if (!max && w.Dilations.Any(d => d != 1)) throw n.Unsupported("average pooling with dilation");
        if (w.Spatial > 2) throw n.Unsupported($"{w.Spatial}-d pooling");
        n.Inputs(1, 1);
        n.Outputs(1);
        return x =>
        {
            var input = In(x, 0);
            int s = w.Spatial;
            if (input.NDim != s + 2) throw new ArgumentException($"{n.Node.OpType}: input of shape {input.Shape}; expected {s + 2} dims (N, C, spatial...).");
            int[] pads = w.PadsFor(input.Shape.ToArray().AsSpan(2), kernel);
            // PyTorch's pools pad at most half a window on each side, the same on both; other pads are applied first.
            bool fits = Symmetric(pads, s) && Enumerable.Range(0, s).All(i => pads[i] <= kernel[i] / 2);
            if (!fits)
            {
                if (!max && !includePad && pads.Any(p => p != 0))
                    throw new NotSupportedException($"AveragePool: pads {NodeContext.Format(pads.Select(v => (long)v))} with count_include_pad=0 beyond half the kernel {NodeContext.Format(kernel.Select(v => (long)v))} are not supported.");
                input = PadSpatial(input, pads, s, max ? double.NegativeInfinity : 0);
                pads = new int[2 * s];
            }
            if (s == 1)
                return [max
                    ? F.MaxPool1d(input, kernel[0], w.Strides[0], pads[0], w.Dilations[0], ceil)
                    : F.AvgPool1d(input, kernel[0], w.Strides[0], pads[0], ceil, includePad)];
            return [max
                ? F.MaxPool2d(input, (kernel[0], kernel[1]), (w.Strides[0], w.Strides[1]), (pads[0], pads[1]), (w.Dilations[0], w.Dilations[1]), ceil)
                : F.AvgPool2d(input, (kernel[0], kernel[1]), (w.Strides[0], w.Strides[1]), (pads[0], pads[1]), ceil, includePad)];
        };
    }

    private static Tensor GlobalPool(Tensor x, bool max)
    {
        if (x.NDim < 3) throw new ArgumentException($"expected an input (N, C, spatial...) of at least 3 dims, got shape {x.Shape}.");
        var dims = Enumerable.Range(2, x.NDim - 2).ToArray();
        return max ? x.Amax(dims, keepDim: true) : x.Mean(dims, keepDim: true);
    }

    private static Kernel BatchNorm(NodeContext n)
    {
        n.Known("epsilon", "momentum", "training_mode", "spatial");
        if (n.Flag("training_mode", false)) throw n.Unsupported("training_mode=1 (batch statistics)");
        if (n.Has("spatial") && !n.Flag("spatial", true)) throw n.Unsupported("spatial=0");
        double eps = n.Float("epsilon", 1e-5f);
        n.Inputs(5, 5);
        n.Outputs(1);
        return x => [F.BatchNorm(In(x, 0), In(x, 3), In(x, 4), In(x, 1), In(x, 2), training: false, eps: eps)];
    }

    private static Kernel LayerNorm(NodeContext n)
    {
        n.Known("axis", "epsilon", "stash_type");
        long axis = n.Int("axis", -1);
        double eps = n.Float("epsilon", 1e-5f);
        n.Inputs(2, 3);
        n.Outputs(1);
        return x =>
        {
            Tensor v = In(x, 0), scale = In(x, 1);
            var bias = Opt(x, 2);
            int a = Axis(axis, v.NDim, "axis");
            int[] normalized = v.Shape.ToArray()[a..];
            if (scale.Shape.ToArray().AsSpan().SequenceEqual(normalized) && (bias is null || bias.Shape.ToArray().AsSpan().SequenceEqual(normalized)))
                return [F.LayerNorm(v, normalized, scale, bias, eps)];
            // Scale and bias that only broadcast to the normalised shape: normalise, then apply them.
            var y = F.LayerNorm(v, normalized, null, null, eps) * scale;
            return [bias is null ? y : y + bias];
        };
    }

    private static Kernel Dropout(NodeContext n)
    {
        n.Known("seed", "ratio", "is_test");
        n.Inputs(1, 3);
        if (n.Node.Output.Count < 1) throw n.Bad("has no outputs");
        bool mask = n.Node.Output.Count > 1 && n.Node.Output[1].Length > 0;
        if (n.Node.Output.Count > 2) throw n.Bad($"has {n.Node.Output.Count} outputs; Dropout has at most 2");
        return x =>
        {
            // Inference: the input unchanged (ONNX's training_mode input, when true, asks for training-time dropout).
            if (Opt(x, 2) is { } training && training.Numel() == 1 && training.To(DType.Bool).Reshape(-1)[0].Item().ToDouble() != 0)
                throw new NotSupportedException("Dropout with training_mode=true is not supported; the importer runs models for inference.");
            var v = In(x, 0);
            return mask ? [v, Tensor.Ones(v.Shape.ToArray(), DType.Bool)] : [v];
        };
    }
}
