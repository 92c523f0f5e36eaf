using Ember.Rng;

namespace Ember.Backends.Cpu;

// Random fills, ported from PyTorch's CPU kernels (ATen/native/cpu/DistributionTemplates.h and
// DistributionKernels.cpp, as built for AVX2) so the streams match number for number.
internal sealed partial class CpuBackend
{
    /// <summary>
    /// The storage indices of a view in the order PyTorch's TensorIterator visits them (memory order:
    /// dims sorted by stride, outermost first), or null when the view is contiguous.
    /// </summary>
    internal static int[]? VisitOrder(Layout layout, Layout? alongside = null, List<int[]>? second = null)
    {
        if (layout.IsContiguous && alongside is null) return null;
        int[] perm = StridePermutation(layout);
        var a = Permuted(layout, perm);
        var result = new int[layout.NumElements];
        int[]? other = alongside is null ? null : new int[layout.NumElements];
        if (result.Length == 0) { second?.Add(other ?? []); return result; }
        var b = alongside is null ? null : Permuted(alongside, perm);
        int rank = a.Shape.Length;
        Span<int> counter = stackalloc int[Math.Max(rank, 1)];
        counter.Clear();
        int ia = a.Offset, ib = b?.Offset ?? 0;
        for (int k = 0; k < result.Length; k++)
        {
            result[k] = ia;
            if (other is not null) other[k] = ib;
            for (int d = rank - 1; d >= 0; d--)
            {
                counter[d]++;
                ia += a.Strides[d];
                if (b is not null) ib += b.Strides[d];
                if (counter[d] < a.Shape[d]) break;
                ia -= a.Strides[d] * a.Shape[d];
                if (b is not null) ib -= b.Strides[d] * b.Shape[d];
                counter[d] = 0;
            }
        }
        if (other is not null) second!.Add(other);
        return result;
    }

    /// <summary>Dims ordered outermost-first by stride (a stable sort, so equal strides keep their order).</summary>
    internal static int[] StridePermutation(Layout layout) =>
        Enumerable.Range(0, layout.Rank).OrderByDescending(i => layout.Shape[i] == 1 ? int.MaxValue : layout.Strides[i]).ToArray();

    private static Layout Permuted(Layout l, int[] perm) =>
        new(perm.Select(i => l.Shape[i]).ToArray(), perm.Select(i => l.Strides[i]).ToArray(), l.Offset);

    public void Uniform(Storage dst, Layout layout, double from, double to, Generator gen)
    {
        int[]? order = VisitOrder(layout);
        lock (gen.Mutex)
        {
            if (dst.DType == DType.Float32)
            {
                var d = Data<float>(dst);
                float f = (float)from, range = (float)to - f;
                for (int k = 0; k < layout.NumElements; k++)
                    d[order?[k] ?? layout.Offset + k] = MathF.FusedMultiplyAdd(gen.UniformFloat(), range, f);
            }
            else
            {
                var d = Data<double>(dst);
                double range = to - from;
                for (int k = 0; k < layout.NumElements; k++)
                    d[order?[k] ?? layout.Offset + k] = Math.FusedMultiplyAdd(gen.UniformDouble(), range, from);
            }
        }
    }

    public void Normal(Storage dst, Layout layout, double mean, double std, Generator gen)
    {
        int n = layout.NumElements;
        if (n >= 16 && layout.IsContiguous)
        {
            lock (gen.Mutex)
            {
                if (dst.DType == DType.Float32) NormalFillFloat(Data<float>(dst), layout.Offset, n, (float)mean, (float)std, gen);
                else NormalFillDouble(Data<double>(dst), layout.Offset, n, mean, std, gen);
            }
            return;
        }
        // Small or strided: one Box-Muller value at a time, in double, with the cached second value.
        int[]? order = VisitOrder(layout);
        lock (gen.Mutex)
        {
            if (dst.DType == DType.Float32)
            {
                var d = Data<float>(dst);
                for (int k = 0; k < n; k++) d[order?[k] ?? layout.Offset + k] = (float)Math.FusedMultiplyAdd(gen.NormalDouble(), std, mean);
            }
            else
            {
                var d = Data<double>(dst);
                for (int k = 0; k < n; k++) d[order?[k] ?? layout.Offset + k] = Math.FusedMultiplyAdd(gen.NormalDouble(), std, mean);
            }
        }
    }

    // normal_fill_AVX2: fill with uniforms, transform each block of 16 (first 8 with last 8) by
    // Box-Muller; a ragged tail redraws 16 fresh uniforms for the last 16 slots and transforms them.
    private static void NormalFillFloat(float[] d, int off, int n, float mean, float std, Generator gen)
    {
        for (int i = 0; i < n; i++) d[off + i] = gen.UniformFloat();
        for (int i = 0; i < n - 15; i += 16) Fill16Float(d, off + i, mean, std);
        if (n % 16 != 0)
        {
            int b = off + n - 16;
            for (int i = 0; i < 16; i++) d[b + i] = gen.UniformFloat();
            Fill16Float(d, b, mean, std);
        }
    }

    private static void Fill16Float(float[] d, int b, float mean, float std)
    {
        const float twoPi = (float)(2.0 * Math.PI);
        for (int j = 0; j < 8; j++)
        {
            float u1 = 1f - d[b + j];
            float u2 = d[b + j + 8];
            float radius = MathF.Sqrt(-2f * AvxMathFun.Log(u1));
            AvxMathFun.SinCos(twoPi * u2, out float sin, out float cos);
            d[b + j] = MathF.FusedMultiplyAdd(radius * cos, std, mean);
            d[b + j + 8] = MathF.FusedMultiplyAdd(radius * sin, std, mean);
        }
    }

    // normal_fill<double>: the same blocking with libm's log/sin/cos.
    private static void NormalFillDouble(double[] d, int off, int n, double mean, double std, Generator gen)
    {
        for (int i = 0; i < n; i++) d[off + i] = gen.UniformDouble();
        for (int i = 0; i < n - 15; i += 16) Fill16Double(d, off + i, mean, std);
        if (n % 16 != 0)
        {
            int b = off + n - 16;
            for (int i = 0; i < 16; i++) d[b + i] = gen.UniformDouble();
            Fill16Double(d, b, mean, std);
        }
    }

    private static void Fill16Double(double[] d, int b, double mean, double std)
    {
        for (int j = 0; j < 8; j++)
        {
            double u1 = 1 - d[b + j];
            double u2 = d[b + j + 8];
            double radius = Math.Sqrt(-2 * Math.Log(u1));
            double theta = 2.0 * Math.PI * u2;
            d[b + j] = Math.FusedMultiplyAdd(radius * Math.Cos(theta), std, mean);
            d[b + j + 8] = Math.FusedMultiplyAdd(radius * Math.Sin(theta), std, mean);
        }
    }

    public void RandomFromTo(Storage dst, Layout layout, ulong range, long @base, Generator gen)
    {
        int[]? order = VisitOrder(layout);
        // 64-bit draws only for wide ranges, and only for the types PyTorch allows them (int64, float, double).
        bool wide = range >= 1UL << 32 && dst.DType is DType.Int64 or DType.Float32 or DType.Float64;
        lock (gen.Mutex)
        {
            switch (dst.DType)
            {
                case DType.Float32: FillFromTo(Data<float>(dst), layout, order, range, @base, wide, gen, v => (float)v); break;
                case DType.Float64: FillFromTo(Data<double>(dst), layout, order, range, @base, wide, gen, v => (double)v); break;
                case DType.Int64: FillFromTo(Data<long>(dst), layout, order, range, @base, wide, gen, v => v); break;
                case DType.Int32: FillFromTo(Data<int>(dst), layout, order, range, @base, wide, gen, v => unchecked((int)v)); break;
                case DType.UInt8: FillFromTo(Data<byte>(dst), layout, order, range, @base, wide, gen, v => unchecked((byte)v)); break;
                case DType.Bool: FillFromTo(Data<byte>(dst), layout, order, range, @base, wide, gen, v => v != 0 ? (byte)1 : (byte)0); break;
            }
        }
    }

    private static void FillFromTo<T>(T[] d, Layout layout, int[]? order, ulong range, long @base, bool wide, Generator gen, Func<long, T> cast)
    {
        for (int k = 0; k < layout.NumElements; k++)
        {
            ulong v = wide ? gen.Random64() : gen.Random();
            d[order?[k] ?? layout.Offset + k] = cast(unchecked((long)(v % range + (ulong)@base)));
        }
    }

    public void Bernoulli(Storage dst, Layout layout, double p, Generator gen)
    {
        int[]? order = VisitOrder(layout);
        lock (gen.Mutex)
        {
            for (int k = 0; k < layout.NumElements; k++)
                SetBit(dst, order?[k] ?? layout.Offset + k, gen.UniformDouble() < p);
        }
    }

    public void Bernoulli(Storage dst, Layout layout, Storage p, Layout pLayout, Generator gen)
    {
        var pIdx = new List<int[]>(1);
        int[] order = VisitOrder(layout, pLayout, pIdx)!;
        int[] po = pIdx[0];
        lock (gen.Mutex)
        {
            if (p.DType == DType.Float64)
            {
                var pd = Data<double>(p);
                for (int k = 0; k < order.Length; k++) SetBit(dst, order[k], gen.UniformDouble() < pd[po[k]]);
            }
            else
            {
                var pf = Data<float>(p);
                for (int k = 0; k < order.Length; k++) SetBit(dst, order[k], gen.UniformFloat() < pf[po[k]]);
            }
        }
    }

    private static void SetBit(Storage dst, int i, bool one)
    {
        switch (dst.DType)
        {
            case DType.Float32: Data<float>(dst)[i] = one ? 1f : 0f; break;
            case DType.Float64: Data<double>(dst)[i] = one ? 1.0 : 0.0; break;
            case DType.Int64: Data<long>(dst)[i] = one ? 1 : 0; break;
            case DType.Int32: Data<int>(dst)[i] = one ? 1 : 0; break;
            default: Data<byte>(dst)[i] = one ? (byte)1 : (byte)0; break;
        }
    }

    // randperm_cpu: a Fisher-Yates shuffle from the front, one 32-bit draw per step.
    public void RandPerm(Storage dst, int n, Generator gen)
    {
        var r = Data<long>(dst);
        for (int i = 0; i < n; i++) r[i] = i;
        lock (gen.Mutex)
        {
            for (int i = 0; i < n - 1; i++)
            {
                int z = (int)(gen.Random() % (uint)(n - i));
                (r[i], r[z + i]) = (r[z + i], r[i]);
            }
        }
    }
}
