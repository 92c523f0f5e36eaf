using Ember.NN;

namespace Ember.Serialization.Import;

/// <summary>Constants, shape plumbing (Shape, Gather, Unsqueeze, Concat, Reshape, ...), slicing and padding.</summary>
internal static partial class ImportOps
{
    private static void AddShape(Dictionary<string, Func<NodeContext, Kernel>> t)
    {
        t["Constant"] = Constant;
        t["ConstantOfShape"] = ConstantOfShape;
        t["Shape"] = n =>
        {
            n.Known("start", "end");
            long start = n.Int("start", 0), end = n.Int("end", long.MaxValue);
            return One(n, 1, 1, x =>
            {
                var s = In(x, 0).Shape.ToArray().Select(d => (long)d).ToArray();
                int r = s.Length;
                int lo = (int)Math.Clamp(start < 0 ? start + r : start, 0, r), hi = (int)Math.Clamp(end < 0 ? end + r : end, 0, r);
                return Tensor.From<long>(s[lo..Math.Max(lo, hi)]);
            });
        };
        t["Size"] = n => { n.Known(); return One(n, 1, 1, x => Tensor.Scalar(In(x, 0).Numel(), DType.Int64)); };
        t["Reshape"] = Reshape;
        t["Flatten"] = n =>
        {
            n.Known("axis");
            long axis = n.Int("axis", 1);
            return One(n, 1, 1, x =>
            {
                var v = In(x, 0);
                var s = v.Shape.ToArray();
                if (axis < -s.Length || axis > s.Length) throw new ArgumentException($"axis {axis} is out of range for a tensor of rank {s.Length}.");
                int a = (int)(axis < 0 ? axis + s.Length : axis);
                long outer = 1, inner = 1;
                for (int i = 0; i < a; i++) outer *= s[i];
                for (int i = a; i < s.Length; i++) inner *= s[i];
                return v.Reshape(checked((int)outer), checked((int)inner));
            });
        };
        t["Transpose"] = n =>
        {
            n.Known("perm");
            var perm = n.SmallInts("perm");
            return One(n, 1, 1, x =>
            {
                var v = In(x, 0);
                var p = perm ?? Enumerable.Range(0, v.NDim).Reverse().ToArray();
                if (p.Length != v.NDim) throw new ArgumentException($"perm has {p.Length} entries for a tensor of rank {v.NDim}.");
                return v.Permute(p);
            });
        };
        t["Squeeze"] = n =>
        {
            bool input = n.Opset >= 13;
            n.Known(input ? [] : ["axes"]);
            long[]? attr = input ? null : n.Longs("axes");
            return One(n, 1, input ? 2 : 1, x =>
            {
                var v = In(x, 0);
                var axes = AxesOf(n, x, 1, attr);
                if (axes is null) return v.Squeeze();
                var dims = Dims(axes, v.NDim, "axis");
                foreach (int d in dims)
                    if (v.Shape[d] != 1) throw new ArgumentException($"cannot squeeze dim {d} of shape {v.Shape}: its size is not 1.");
                return dims.Length == 0 ? v : v.Squeeze(dims);
            });
        };
        t["Unsqueeze"] = n =>
        {
            bool input = n.Opset >= 13;
            n.Known(input ? [] : ["axes"]);
            long[]? attr = input ? null : n.Longs("axes");
            return One(n, input ? 2 : 1, input ? 2 : 1, x =>
            {
                var v = In(x, 0);
                var axes = AxesOf(n, x, 1, attr) ?? throw new ArgumentException("Unsqueeze needs axes.");
                int rank = v.NDim + axes.Length;
                if (rank > 32) throw new ArgumentException($"Unsqueeze to rank {rank}; at most 32 dims are supported.");
                foreach (int d in Dims(axes, rank, "axis")) v = v.Unsqueeze(d);
                return v;
            });
        };
        t["Concat"] = n =>
        {
            n.Known("axis");
            if (!n.Has("axis")) throw n.Bad("has no axis");
            long axis = n.Int("axis", 0);
            n.Inputs(1, int.MaxValue);
            n.Outputs(1);
            return x =>
            {
                var ts = x.Select((v, i) => v ?? throw new ArgumentException($"input {i} is empty")).ToArray();
                return [Tensor.Cat(ts, Axis(axis, Math.Max(ts[0].NDim, 1), "axis"))];
            };
        };
        t["Gather"] = n =>
        {
            n.Known("axis");
            long axis = n.Int("axis", 0);
            return One(n, 2, 2, x => Gather(In(x, 0), In(x, 1), axis));
        };
        t["Expand"] = n =>
        {
            n.Known();
            return One(n, 2, 2, x =>
            {
                var v = In(x, 0);
                var want = Longs(In(x, 1), "shape");
                // Two-way broadcasting: the result has the larger rank, and each dim is whichever side is not 1.
                int rank = Math.Max(v.NDim, want.Length);
                var shape = new long[rank];
                for (int i = 0; i < rank; i++)
                {
                    long a = i - (rank - v.NDim) >= 0 ? v.Shape[i - (rank - v.NDim)] : 1;
                    long b = i - (rank - want.Length) >= 0 ? want[i - (rank - want.Length)] : 1;
                    if (a != b && a != 1 && b != 1) throw new ArgumentException($"cannot expand shape {v.Shape} to {NodeContext.Format(want)}.");
                    shape[i] = a == 1 ? b : a;
                }
                return v.Expand(Sizes(shape, "Expand"));
            });
        };
        t["Tile"] = n =>
        {
            n.Known();
            return One(n, 2, 2, x =>
            {
                var v = In(x, 0);
                var reps = Longs(In(x, 1), "repeats");
                if (reps.Length != v.NDim) throw new ArgumentException($"repeats has {reps.Length} entries for a tensor of rank {v.NDim}.");
                Sizes(v.Shape.ToArray().Select((d, i) => d * reps[i]).ToArray(), "Tile");
                return v.Tile(reps.Select(r => (int)r).ToArray());
            });
        };
        t["Range"] = n =>
        {
            n.Known();
            return One(n, 3, 3, x =>
            {
                Tensor s = In(x, 0), l = In(x, 1), d = In(x, 2);
                double start = s.Item().ToDouble(), limit = l.Item().ToDouble(), delta = d.Item().ToDouble();
                if (delta == 0 || double.IsNaN(delta)) throw new ArgumentException("Range: delta must be non-zero.");
                double count = Math.Max(Math.Ceiling((limit - start) / delta), 0);
                if (!(count <= Onnx.MaxTensorElements)) throw new ArgumentException($"Range: {count} elements are more than {Onnx.MaxTensorElements}.");
                var steps = Tensor.Arange(0, (long)count, 1, DType.Int64).To(s.DType);
                return steps * d + s;
            });
        };
        t["Slice"] = Slice;
        t["Split"] = Split;
        t["Pad"] = Pad;
    }

    private static Kernel Constant(NodeContext n)
    {
        n.Inputs(0, 0);
        n.Outputs(1);
        if (n.Node.Attribute.Count != 1) throw n.Bad($"has {n.Node.Attribute.Count} attributes; a Constant has exactly one value");
        Tensor value;
        if (n.TensorAttribute("value") is { } tp) value = OnnxTensorReader.Read(tp, n.Label + "'s value", n.BaseDirectory);
        else if (n.Has("value_float")) value = Tensor.Scalar(n.Float("value_float", 0), DType.Float32);
        else if (n.Floats("value_floats") is { } fs) value = Tensor.From<float>(fs);
        else if (n.Has("value_int")) value = Tensor.Scalar(n.Int("value_int", 0), DType.Int64);
        else if (n.Longs("value_ints") is { } ls) value = Tensor.From<long>(ls);
        else throw n.Unsupported($"a constant given as '{n.Node.Attribute[0].Name}'");
        return _ => [value];
    }

    private static Kernel ConstantOfShape(NodeContext n)
    {
        n.Known("value");
        Tensor fill = Tensor.Scalar(0f, DType.Float32);
        if (n.TensorAttribute("value") is { } tp)
        {
            fill = OnnxTensorReader.Read(tp, n.Label + "'s value", n.BaseDirectory);
            if (fill.Numel() != 1) throw n.Bad($"has a value of {fill.Numel()} elements; expected one");
        }
        return One(n, 1, 1, x =>
        {
            var shape = Sizes(Longs(In(x, 0), "shape"), "ConstantOfShape");
            return fill.Reshape([]).Expand(shape).Contiguous();
        });
    }

    private static Kernel Reshape(NodeContext n)
    {
        n.Known("allowzero");
        bool allowZero = n.Flag("allowzero", false);
        return One(n, 2, 2, x =>
        {
            var v = In(x, 0);
            var want = Longs(In(x, 1), "shape");
            var s = new int[want.Length];
            int infer = -1;
            for (int i = 0; i < want.Length; i++)
            {
                long d = want[i];
                if (d == 0 && !allowZero)
                {
                    if (i >= v.NDim) throw new ArgumentException($"shape {NodeContext.Format(want)} copies dim {i} (0) from an input of shape {v.Shape}, which has no such dim.");
                    s[i] = v.Shape[i];
                }
                else if (d == -1)
                {
                    if (infer >= 0) throw new ArgumentException($"shape {NodeContext.Format(want)} has more than one -1.");
                    infer = i;
                    s[i] = -1;
                }
                else if (d < 0 || d > int.MaxValue) throw new ArgumentException($"shape {NodeContext.Format(want)} has the size {d}.");
                else s[i] = (int)d;
            }
            return v.Reshape(s);
        });
    }

    private static Tensor Gather(Tensor data, Tensor indices, long axis)
    {
        if (indices.DType is not (DType.Int64 or DType.Int32)) throw new ArgumentException($"indices must be int64 or int32, got {indices.DType.TorchName()}.");
        if (data.NDim == 0) throw new ArgumentException("Gather from a 0-d tensor.");
        int a = Axis(axis, data.NDim, "axis");
        long size = data.Shape[a];
        var idx = indices.To(DType.Int64);
        // Negative indices count from the end, as in Python.
        idx = Tensor.Where(idx.Lt(Tensor.Scalar(0L, DType.Int64)), idx + size, idx);
        if (idx.Numel() > 0)
        {
            long lo = idx.Min().Item().ToInt64(), hi = idx.Max().Item().ToInt64();
            if (lo < 0 || hi >= size) throw new ArgumentException($"index {(lo < 0 ? lo - size : hi)} is out of range for dim {a} of size {size} (shape {data.Shape}).");
        }
        var picked = data.IndexSelect(a, idx.Reshape(-1));
        var ds = data.Shape.ToArray();
        int[] shape = [.. ds[..a], .. indices.Shape.ToArray(), .. ds[(a + 1)..]];
        return picked.Reshape(shape);
    }

    private static Kernel Slice(NodeContext n)
    {
        n.Known();
        return One(n, 3, 5, x =>
        {
            var v = In(x, 0);
            var starts = Longs(In(x, 1), "starts");
            var ends = Longs(In(x, 2), "ends");
            var axes = Opt(x, 3) is { } ax ? Longs(ax, "axes") : Enumerable.Range(0, starts.Length).Select(i => (long)i).ToArray();
            var steps = Opt(x, 4) is { } st ? Longs(st, "steps") : Enumerable.Repeat(1L, starts.Length).ToArray();
            if (ends.Length != starts.Length || axes.Length != starts.Length || steps.Length != starts.Length)
                throw new ArgumentException($"starts, ends, axes and steps have {starts.Length}, {ends.Length}, {axes.Length} and {steps.Length} entries; they must agree.");
            var seen = new HashSet<int>();
            for (int i = 0; i < starts.Length; i++)
            {
                int a = Axis(axes[i], v.NDim, "axis");
                if (!seen.Add(a)) throw new ArgumentException($"axis {a} is sliced twice.");
                long dim = v.Shape[a], step = steps[i];
                if (step == 0) throw new ArgumentException("a step of 0.");
                long s = starts[i], e = ends[i];
                if (s < 0) s += dim;
                if (e < 0) e += dim;
                if (step > 0) { s = Math.Clamp(s, 0, dim); e = Math.Clamp(e, 0, dim); }
                else { s = Math.Clamp(s, 0, dim - 1); e = Math.Clamp(e, -1, dim - 1); }
                long count = step > 0 ? Math.Max(0, (e - s + step - 1) / step) : Math.Max(0, (s - e + (-step) - 1) / (-step));
                if (step == 1) v = v.Narrow(a, (int)s, (int)count);
                else v = v.IndexSelect(a, Tensor.Arange(0, count, 1, DType.Int64) * step + s);
            }
            return v;
        });
    }

    private static Kernel Split(NodeContext n)
    {
        bool input = n.Opset >= 13;
        n.Known(n.Opset >= 18 ? ["axis", "num_outputs"] : input ? ["axis"] : ["axis", "split"]);
        long axis = n.Int("axis", 0);
        long[]? attr = input ? null : n.Longs("split");
        int outputs = n.Node.Output.Count;
        if (outputs < 1) throw n.Bad("has no outputs");
        if (n.Has("num_outputs") && n.Int("num_outputs", 0) != outputs) throw n.Bad($"has num_outputs={n.Int("num_outputs", 0)} but {outputs} outputs");
        n.Inputs(1, input ? 2 : 1);
        return x =>
        {
            var v = In(x, 0);
            int a = Axis(axis, v.NDim, "axis");
            int dim = v.Shape[a];
            long[] sizes = attr ?? (Opt(x, 1) is { } sp ? Longs(sp, "split") : null) ??
                // Equal parts; ONNX makes the last one smaller when they do not divide.
                Enumerable.Range(0, outputs).Select(i => Math.Max(0, Math.Min((long)(dim + outputs - 1) / outputs, dim - i * (long)((dim + outputs - 1) / outputs)))).ToArray();
            if (sizes.Length != outputs || sizes.Any(s => s < 0) || sizes.Sum() != dim)
                throw new ArgumentException($"split sizes {NodeContext.Format(sizes)} do not divide dim {a} of size {dim} into {outputs} parts.");
            var r = new Tensor[outputs];
            int at = 0;
            for (int i = 0; i < outputs; i++) { r[i] = v.Narrow(a, at, (int)sizes[i]); at += (int)sizes[i]; }
            return r;
        };
    }

    private static Kernel Pad(NodeContext n)
    {
        n.Known("mode");
        string mode = n.String("mode", "constant");
        string emberMode = mode switch
        {
            "constant" => "constant",
            "reflect" => "reflect",
            "edge" => "replicate",
            "wrap" => "circular",
            _ => throw n.Bad($"has mode \"{mode}\""),
        };
        return One(n, 2, 4, x =>
        {
            var v = In(x, 0);
            var pads = Longs(In(x, 1), "pads");
            double value = Opt(x, 2) is { } c && c.Numel() > 0 ? c.Reshape(-1)[0].Item().ToDouble() : 0;
            int r = v.NDim;
            long[] axes = Opt(x, 3) is { } ax ? Longs(ax, "axes") : Enumerable.Range(0, r).Select(i => (long)i).ToArray();
            if (pads.Length != 2 * axes.Length) throw new ArgumentException($"pads has {pads.Length} entries for {axes.Length} axes.");
            var begin = new long[r];
            var end = new long[r];
            for (int i = 0; i < axes.Length; i++)
            {
                int a = Axis(axes[i], r, "axis");
                begin[a] = pads[i];
                end[a] = pads[i + axes.Length];
            }
            Sizes(v.Shape.ToArray().Select((d, i) => Math.Max(0, d + begin[i] + end[i])).ToArray(), "Pad");
            // F.Pad lists pairs from the last dim back, and only as far as the first padded dim.
            int first = Enumerable.Range(0, r).FirstOrDefault(i => begin[i] != 0 || end[i] != 0, r);
            if (first == r) return v;
            var p = new List<int>();
            for (int d = r - 1; d >= first; d--) { p.Add(checked((int)begin[d])); p.Add(checked((int)end[d])); }
            return F.Pad(v, [.. p], emberMode, value);
        });
    }
}
