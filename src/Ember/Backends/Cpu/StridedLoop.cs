namespace Ember.Backends.Cpu;

/// <summary>
/// Walks operands of one logical shape as a sequence of 1-D runs. Adjacent dimensions that are
/// laid out back to back in every operand are merged first, so a contiguous tensor (or a view whose
/// rows are contiguous) becomes a few long runs that the fast span kernels take whole.
/// </summary>
internal static class StridedLoop
{
    /// <summary>Merges dims and drops size-1 dims. Returns collapsed sizes; <paramref name="strides"/> are rewritten in place per operand.</summary>
    public static int[] Collapse(int[] shape, int[][] strides)
    {
        int k = strides.Length;
        var outShape = new List<int>(shape.Length);
        var outStrides = new List<int>[k];
        for (int j = 0; j < k; j++) outStrides[j] = new List<int>(shape.Length);
        for (int i = 0; i < shape.Length; i++)
        {
            if (shape[i] == 1) continue;
            int last = outShape.Count - 1;
            bool merge = last >= 0;
            for (int j = 0; j < k && merge; j++)
                merge = outStrides[j][last] == strides[j][i] * shape[i];
            if (merge)
            {
                outShape[last] *= shape[i];
                for (int j = 0; j < k; j++) outStrides[j][last] = strides[j][i];
            }
            else
            {
                outShape.Add(shape[i]);
                for (int j = 0; j < k; j++) outStrides[j].Add(strides[j][i]);
            }
        }
        if (outShape.Count == 0) { outShape.Add(1); for (int j = 0; j < k; j++) outStrides[j].Add(1); }
        for (int j = 0; j < k; j++) strides[j] = outStrides[j].ToArray();
        return outShape.ToArray();
    }

    /// <summary>The per-run callback: start offsets of each operand, run length, and each operand's stride within the run.</summary>
    public interface IRun
    {
        void Run(ReadOnlySpan<int> offsets, int count, ReadOnlySpan<int> innerStrides);
    }

    /// <summary>Calls <paramref name="body"/> once per innermost run over all operands.</summary>
    public static void ForEachRun<TBody>(int[] shape, ReadOnlySpan<Layout> layouts, ref TBody body) where TBody : struct, IRun
    {
        int k = layouts.Length;
        long total = 1;
        foreach (int d in shape) total *= d;
        if (total == 0) return;
        var strides = new int[k][];
        for (int j = 0; j < k; j++) strides[j] = layouts[j].Strides;
        int[] cs = Collapse(shape, strides);
        int r = cs.Length;
        Span<int> offsets = stackalloc int[k];
        Span<int> inner = stackalloc int[k];
        for (int j = 0; j < k; j++) { offsets[j] = layouts[j].Offset; inner[j] = strides[j][r - 1]; }
        int n = cs[r - 1];
        if (r == 1) { body.Run(offsets, n, inner); return; }
        Span<int> counter = stackalloc int[r - 1];
        counter.Clear();
        long outer = total / n;
        for (long it = 0; it < outer; it++)
        {
            body.Run(offsets, n, inner);
            // Advance the odometer over the outer dims.
            for (int d = r - 2; d >= 0; d--)
            {
                counter[d]++;
                for (int j = 0; j < k; j++) offsets[j] += strides[j][d];
                if (counter[d] < cs[d]) break;
                for (int j = 0; j < k; j++) offsets[j] -= strides[j][d] * cs[d];
                counter[d] = 0;
            }
        }
    }
}
