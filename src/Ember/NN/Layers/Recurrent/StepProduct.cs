using System.Buffers;
using System.Numerics;
using Ember.Backends.Cpu;
using Ember.Backends.Cpu.Gemm;
using Ember.Graph;

namespace Ember.NN;

/// <summary>
/// [B, K]·B for one recurrent step, the matrix B (k x n, W_hhᵀ in the forward, W_hh in the backward)
/// packed once per sequence when the batch has more than one row (the GEMM's prepacked path needs
/// M &gt; 1; a single row takes its matrix-vector path, which does not pack). Shared by the fused
/// layers (<see cref="FusedLstmLayer"/>, <see cref="FusedGruLayer"/>, <see cref="FusedRnnLayer"/>).
/// </summary>
internal sealed unsafe class StepProduct<T> : IDisposable where T : unmanaged, INumber<T>
{
    private readonly GemmProblem _problem;
    private readonly T[] _b;
    private readonly bool _rented;

    /// <summary>
    /// B's element (p, j) is at <paramref name="bSource"/>'s storage [offset + p·rs + j·cs]; a contiguous
    /// <paramref name="rowBias"/> of n elements is added to every row of the product (rounded as a separate add).
    /// </summary>
    public StepProduct(Tensor bSource, int rs, int cs, int k, int n, int batch, Tensor? rowBias = null)
    {
        T[] src = FusedLayers.Data<T>(bSource, out int off);
        _problem = new GemmProblem
        {
            M = batch, N = n, K = k, ARowStride = k, AColStride = 1, CRowStride = n, CColStride = 1,
            AOffsets = [0], BOffsets = [0], COffsets = [0],
        };
        if (rowBias is not null)
        {
            _problem.RowBias = FusedLayers.Data<T>(rowBias, out int biasOff);
            _problem.RowBiasOffset = biasOff;
        }
        if (batch > 1 && n > 1)
        {
            _b = ArrayPool<T>.Shared.Rent((int)Gemm<T>.PackedBSize(k, n));
            _rented = true;
            fixed (T* ps = src, pd = _b) Gemm<T>.PackWholeB(ps + off, rs, cs, k, n, pd);
            _problem.BPrepacked = true;
        }
        else
        {
            _b = src;
            _problem.BOffsets[0] = off;
            _problem.BRowStride = rs;
            _problem.BColStride = cs;
        }
    }

    /// <summary>c[cOffset .. cOffset + B·n) = a[aOffset ..]·B.</summary>
    public void Run(T[] a, int aOffset, T[] c, int cOffset = 0)
    {
        _problem.AOffsets[0] = aOffset;
        _problem.COffsets[0] = cOffset;
        Gemm<T>.Run(a, _b, c, _problem);
    }

    /// <summary>
    /// c[0 .. m·n) = a[aOffset ..] (m rows)·B, for a chunk of the batch's rows run on its own thread: the
    /// call builds its own problem, so chunks may run at once (B is only read). m must be more than 1
    /// when B was packed (each chunk then takes the same prepacked path as the whole batch).
    /// </summary>
    public void RunRows(T[] a, int aOffset, T[] c, int m)
    {
        var p = new GemmProblem
        {
            M = m, N = _problem.N, K = _problem.K, ARowStride = _problem.ARowStride, AColStride = 1, CRowStride = _problem.CRowStride, CColStride = 1,
            AOffsets = [aOffset], BOffsets = [_problem.BOffsets[0]], COffsets = [0],
            BRowStride = _problem.BRowStride, BColStride = _problem.BColStride, BPrepacked = _problem.BPrepacked,
            RowBias = _problem.RowBias, RowBiasOffset = _problem.RowBiasOffset,
        };
        Gemm<T>.Run(a, _b, c, p);
    }

    public void Dispose()
    {
        if (_rented) ArrayPool<T>.Shared.Return(_b);
    }
}

/// <summary>What the fused recurrent layers share: storage access, step order, W_hh's gradient and the createGraph fallback.</summary>
internal static class FusedLayers
{
    /// <summary>The storage array of a contiguous CPU tensor and the tensor's offset in it.</summary>
    public static T[] Data<T>(Tensor t, out int offset) where T : unmanaged
    {
        offset = t.Layout.Offset;
        return CpuBackend.Data<T>(t.Storage);
    }

    /// <summary>The time index of step <paramref name="k"/> of the processing order.</summary>
    public static int TimeOf(int k, int steps, bool reverse) => reverse ? steps - 1 - k : k;

    /// <summary>
    /// The h each step multiplied W_hh by, in time order, as [T·B, H]: h_{t-1} (forward) or h_{t+1}
    /// (reverse), h0 at the start; from the layer's outputs [T, B, H].
    /// </summary>
    public static Tensor PreviousStates(Tensor h0, Tensor output, int steps, bool reverse)
    {
        int batch = h0.Shape[0], hidden = h0.Shape[1];
        return steps == 0 ? h0.Reshape(0, hidden)
            : steps == 1 ? h0
            : reverse ? Tensor.Cat([output.Narrow(0, 1, steps - 1).Reshape((steps - 1) * batch, hidden), h0], 0)
            : Tensor.Cat([h0, output.Narrow(0, 0, steps - 1).Reshape((steps - 1) * batch, hidden)], 0);
    }

    /// <summary>
    /// Under createGraph: the gradients of the recomputed, recorded <paramref name="outputs"/> w.r.t. those
    /// <paramref name="inputs"/> the node needs, with a graph (so they can be differentiated again).
    /// </summary>
    public static Tensor?[] RecordedGrads(BackwardContext ctx, Tensor?[] inputs, Tensor[] outputs, Tensor[] g)
    {
        var wanted = Enumerable.Range(0, inputs.Length).Where(i => inputs[i] is not null && ctx.NeedsGrad(i)).ToArray();
        var grads = Autograd.Grad(outputs, wanted.Select(i => inputs[i]!).ToArray(), g, retainGraph: true, createGraph: true, allowUnused: true);
        var result = new Tensor?[inputs.Length];
        for (int j = 0; j < wanted.Length; j++) result[wanted[j]] = grads[j];
        return result;
    }
}
