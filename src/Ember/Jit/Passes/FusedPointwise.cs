using System.Globalization;
using Ember.Backends.Cpu;
using Ember.Backends.Cpu.Kernels;
using TP = System.Numerics.Tensors.TensorPrimitives;

namespace Ember.Jit.Passes;

/// <summary>The operations a fused pointwise program knows.</summary>
internal enum PointwiseOp { Add, Sub, Mul, Div, Relu, Sigmoid, Tanh, Hardtanh }

/// <summary>Where an operand of a fused step comes from: the running value, a full-size input, or a one-element input/number.</summary>
internal readonly record struct Operand(OperandKind Kind, int Input = -1, float Value = 0)
{
    public static Operand Acc { get; } = new(OperandKind.Acc);

    public override string ToString() => Kind switch
    {
        OperandKind.Acc => "_",
        OperandKind.Number => Value.ToString("R", CultureInfo.InvariantCulture),
        _ => "x" + Input,
    };
}

/// <summary>The kinds of <see cref="Operand"/>.</summary>
internal enum OperandKind { Acc, Full, Scalar, Number }

/// <summary>One step of a fused program: an op over one or two operands (the second unused for unary ops), plus hardtanh's bounds.</summary>
internal readonly record struct PointwiseStep(PointwiseOp Op, Operand A, Operand B, float Lo = 0, float Hi = 0)
{
    public bool IsUnary => Op >= PointwiseOp.Relu;

    public override string ToString() => Op switch
    {
        PointwiseOp.Hardtanh => $"hardtanh({A}, {Lo.ToString("R", CultureInfo.InvariantCulture)}, {Hi.ToString("R", CultureInfo.InvariantCulture)})",
        _ when IsUnary => $"{Op.ToString().ToLowerInvariant()}({A})",
        _ => $"{Op.ToString().ToLowerInvariant()}({A}, {B})",
    };
}

/// <summary>
/// A chain of float32 elementwise ops run in one pass over memory: the output is cut into blocks of
/// <see cref="Block"/> elements (which stay in L1), and every step runs over a block before the next block
/// is touched, calling the same span kernels eager mode calls (TensorPrimitives through Ember's kernel
/// structs), so each element is computed by the same float32 operations in the same order: results equal
/// the unfused chain's. The running value lives in the destination block, so no temporary is allocated.
/// </summary>
internal sealed class FusedPointwise
{
    /// <summary>Elements per block: 4 KiB of floats.</summary>
    internal const int Block = 1024;
    private const int ParallelGrain = 1 << 16;

    internal FusedPointwise(PointwiseStep[] steps, int inputs)
    {
        Steps = steps;
        InputCount = inputs;
    }

    internal PointwiseStep[] Steps { get; }

    internal int InputCount { get; }

    /// <summary>The program as the graph prints it: <c>add(x0, x1) -> relu(_)</c>.</summary>
    public override string ToString() => string.Join(" -> ", Steps);

    /// <summary>
    /// Runs the program over contiguous float32 inputs into <paramref name="dst"/> (which may be one of the full
    /// inputs). <paramref name="full"/>[k] is input k's data (null for a one-element input, read from <paramref name="scalars"/>[k]).
    /// </summary>
    internal void Run(float[]?[] full, int[] offsets, float[] scalars, float[] dst, int dstOffset, int n)
    {
        if (n >= 2 * ParallelGrain && Threads.Count > 1)
        {
            int chunks = Math.Min(Threads.Count * 4, n / ParallelGrain);
            int per = (n / chunks + Block - 1) / Block * Block;
            WorkerTeam.Run(chunks, c =>
            {
                int start = c * per, end = c == chunks - 1 ? n : Math.Min(n, start + per);
                if (start < end) RunRange(full, offsets, scalars, dst, dstOffset, start, end);
            });
            return;
        }
        RunRange(full, offsets, scalars, dst, dstOffset, 0, n);
    }

    private void RunRange(float[]?[] full, int[] offsets, float[] scalars, float[] dst, int dstOffset, int start, int end)
    {
        for (int b = start; b < end;)
        {
            // A short last block joins the one before, so the vector kernels never see a tiny tail eager mode would not.
            int len = end - b <= Block + 64 ? end - b : Block;
            var acc = dst.AsSpan(dstOffset + b, len);
            foreach (var s in Steps) Apply(s, full, offsets, scalars, b, acc);
            b += len;
        }
    }

    private static void Apply(in PointwiseStep s, float[]?[] full, int[] offsets, float[] scalars, int at, Span<float> acc)
    {
        if (s.IsUnary)
        {
            ReadOnlySpan<float> x = Span(s.A, full, offsets, at, acc);
            switch (s.Op)
            {
                case PointwiseOp.Relu: ReluK<float>.Contig(x, acc); break;
                case PointwiseOp.Sigmoid: SigmoidK<float>.Contig(x, acc); break;
                case PointwiseOp.Tanh: TanhK<float>.Contig(x, acc); break;
                default:
                    for (int i = 0; i < acc.Length; i++)
                    {
                        // As the clamp kernel: NaN stays NaN; min(max(x, lo), hi).
                        float m = x[i] < s.Lo ? s.Lo : x[i];
                        acc[i] = s.Hi < m ? s.Hi : m;
                    }
                    break;
            }
            return;
        }
        bool aScalar = s.A.Kind is OperandKind.Scalar or OperandKind.Number, bScalar = s.B.Kind is OperandKind.Scalar or OperandKind.Number;
        if (aScalar && bScalar) throw new InvalidOperationException("FusedPointwise: a step with two one-element operands.");
        if (bScalar)
        {
            var a = Span(s.A, full, offsets, at, acc);
            float v = Number(s.B, scalars);
            switch (s.Op)
            {
                case PointwiseOp.Add: AddK<float>.ContigScalar(a, v, acc); break;
                case PointwiseOp.Sub: SubK<float>.ContigScalar(a, v, acc); break;
                case PointwiseOp.Mul: MulK<float>.ContigScalar(a, v, acc); break;
                default: DivK<float>.ContigScalar(a, v, acc); break;
            }
        }
        else if (aScalar)
        {
            float v = Number(s.A, scalars);
            var bb = Span(s.B, full, offsets, at, acc);
            switch (s.Op)
            {
                case PointwiseOp.Add: AddK<float>.ScalarContig(v, bb, acc); break;
                case PointwiseOp.Sub: SubK<float>.ScalarContig(v, bb, acc); break;
                case PointwiseOp.Mul: MulK<float>.ScalarContig(v, bb, acc); break;
                default: DivK<float>.ScalarContig(v, bb, acc); break;
            }
        }
        else
        {
            var a = Span(s.A, full, offsets, at, acc);
            var bb = Span(s.B, full, offsets, at, acc);
            switch (s.Op)
            {
                case PointwiseOp.Add: AddK<float>.Contig(a, bb, acc); break;
                case PointwiseOp.Sub: SubK<float>.Contig(a, bb, acc); break;
                case PointwiseOp.Mul: MulK<float>.Contig(a, bb, acc); break;
                default: DivK<float>.Contig(a, bb, acc); break;
            }
        }
    }

    private static ReadOnlySpan<float> Span(Operand o, float[]?[] full, int[] offsets, int at, Span<float> acc) =>
        o.Kind == OperandKind.Acc ? acc : full[o.Input].AsSpan(offsets[o.Input] + at, acc.Length);

    private static float Number(Operand o, float[] scalars) => o.Kind == OperandKind.Number ? o.Value : scalars[o.Input];

    /// <summary>
    /// Runs the program on tensors when it can (float32 CPU tensors, contiguous, full inputs of one shape, no
    /// gradient to record); returns null otherwise, and the caller runs the unfused ops.
    /// </summary>
    internal Tensor? TryRun(Tensor?[] inputs, Tensor? into = null) =>
        TryRun(inputs, into, new float[]?[inputs.Length], new int[inputs.Length], new float[inputs.Length]);

    /// <summary>As <see cref="TryRun(Tensor?[], Tensor?)"/> with the caller's scratch arrays (one element per input), so a planned replay allocates nothing.</summary>
    internal Tensor? TryRun(Tensor?[] inputs, Tensor? into, float[]?[] full, int[] offsets, float[] scalars)
    {
        int[]? shape = null;
        foreach (var t in inputs)
        {
            if (t is null || t.DType != DType.Float32 || t.Device.Type != DeviceType.Cpu || t.Storage is not CpuStorage<float>) return null;
            if (Autograd.IsGradEnabled && t.RequiresGrad) return null;
        }
        for (int k = 0; k < inputs.Length; k++)
        {
            var t = inputs[k]!;
            if (IsScalarInput(k)) { scalars[k] = t.Item<float>(); continue; }
            if (!t.Layout.IsContiguous) return null;
            if (shape is null) shape = t.Layout.Shape;
            else if (!shape.AsSpan().SequenceEqual(t.Layout.Shape)) return null;
            full[k] = ((CpuStorage<float>)t.Storage).Data;
            offsets[k] = t.Layout.Offset;
        }
        if (shape is null || (into is not null && !into.Layout.Shape.AsSpan().SequenceEqual(shape))) return null;
        var y = into ?? Tensor.Alloc(shape, DType.Float32, Device.Cpu, uninitialized: true);
        int n = y.Layout.NumElements;
        Run(full, offsets, scalars, ((CpuStorage<float>)y.Storage).Data, y.Layout.Offset, n);
        return y;
    }

    private bool IsScalarInput(int k)
    {
        foreach (var s in Steps)
            if ((s.A.Kind == OperandKind.Scalar && s.A.Input == k) || (!s.IsUnary && s.B.Kind == OperandKind.Scalar && s.B.Input == k)) return true;
        return false;
    }
}
