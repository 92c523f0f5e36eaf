using System.Buffers;
using System.Numerics;
using Ember.Graph;
using TP = System.Numerics.Tensors.TensorPrimitives;

namespace Ember.NN;

/// <summary>
/// One direction of one LSTM layer over a whole sequence as a single autograd node, as cuDNN and
/// oneDNN run it. Recorded step by step, a 35-step layer was 35 recurrent products, 35 gate nodes and
/// in the backward 35 weight-gradient products of depth B (each allocating a 4H x H result that is
/// then added to the last), and W_hh was packed for the GEMM again at every step. Here W_hh is packed
/// once per sequence and once per backward, each step is one product into a scratch row block plus
/// the fused gate kernel (<see cref="FusedCells"/>), and the backward computes W_hh's gradient as one
/// product of depth T·B over all the steps' gate gradients, which also serve as the input
/// projection's gradient and, summed, as b_hh's.
/// </summary>
/// <remarks>
/// The forward rounds exactly as the step-by-step path (the same products and gate arithmetic). The
/// backward's sums over steps run in another order (one long product instead of a sum of per-step
/// ones), so W_hh's and b_hh's float32 gradients can differ from PyTorch's in the last bits, as two
/// BLAS libraries' do. Under <c>createGraph</c> the backward recomputes the layer with recorded
/// per-step ops and differentiates that, so double backward works as before.
/// </remarks>
internal static class FusedLstmLayer
{
    /// <summary>Whether the fused layer serves these tensors: CPU, one float dtype throughout, no projection.</summary>
    public static bool Supports(Tensor proj, Tensor h0, Tensor c0, in RecurrentMath.Weights w) =>
        w.Hr is null && FusedCells.Supports(h0) && proj.DType == h0.DType && c0.DType == h0.DType && w.Hh.DType == h0.DType
        && (w.BiasHh is null || w.BiasHh.DType == h0.DType) && proj.Device == h0.Device && c0.Device == h0.Device
        && w.Hh.Device == h0.Device && (w.BiasHh is null || w.BiasHh.Device == h0.Device);

    private sealed record State(int Steps, bool Reverse, bool HasBias);

    /// <summary>
    /// Runs the layer: <paramref name="proj"/> [T·B, 4H] is x·W_ihᵀ + b_ih of every step (time-major),
    /// <paramref name="h0"/> and <paramref name="c0"/> [B, H]. Returns the outputs [T, B, H] in time
    /// order (also when <paramref name="reverse"/>) and the final h and c.
    /// </summary>
    public static (Tensor Output, Tensor H, Tensor C) Run(Tensor proj, Tensor h0, Tensor c0, Tensor whh, Tensor? bhh, int steps, bool reverse)
    {
        var p = proj.Contiguous();
        var h = h0.Contiguous();
        var c = c0.Contiguous();
        var w = whh.Contiguous();
        var b = bhh?.Contiguous();
        int batch = h.Shape[0], hidden = h.Shape[1];
        DType dt = h.DType;
        var output = Tensor.Alloc([steps, batch, hidden], dt, h.Device, uninitialized: true, op: "lstm");
        var gates = Tensor.Alloc([steps, batch, 4 * hidden], dt, h.Device, uninitialized: true, op: "lstm");
        var cells = Tensor.Alloc([steps, batch, hidden], dt, h.Device, uninitialized: true, op: "lstm");
        if (dt == DType.Float32) Forward<float>(p, h, c, w, b, output, gates, cells, steps, reverse);
        else Forward<double>(p, h, c, w, b, output, gates, cells, steps, reverse);
        // The final state as tensors of their own (outputs of the node), not views of the outputs.
        int last = reverse ? 0 : steps - 1;
        var hN = steps == 0 ? h.Clone() : output.Select(0, last).Clone();
        var cN = steps == 0 ? c.Clone() : cells.Select(0, last).Clone();
        if (Autograd.Recording([proj, h0, c0, whh, bhh]))
        {
            Tensor[] saved = b is null ? [p, h, c, w, gates, cells, output] : [p, h, c, w, gates, cells, output, b];
            Derivatives.FusedLstmLayer.Record([output, hN, cN], [proj, h0, c0, whh, bhh], saved, new State(steps, reverse, b is not null));
        }
        return (output, hN, cN);
    }

    private static void Forward<T>(Tensor pT, Tensor hT, Tensor cT, Tensor wT, Tensor? bT, Tensor outT, Tensor gatesT, Tensor cellsT, int steps, bool reverse)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int batch = hT.Shape[0], hidden = hT.Shape[1], g4 = 4 * hidden, rowH = batch * hidden, rowG = batch * g4;
        T[] hArr = FusedLayers.Data<T>(hT, out int hOff), outArr = FusedLayers.Data<T>(outT, out _);
        ReadOnlySpan<T> proj = pT.AsSpan<T>(), c0 = cT.AsSpan<T>(), bias = bT is null ? default : bT.AsSpan<T>();
        Span<T> gates = gatesT.AsSpan<T>(), cells = cellsT.AsSpan<T>();
        // h·W_hhᵀ: B is W_hhᵀ, element (p, j) at W_hh[j, p].
        using var product = new StepProduct<T>(wT, rs: 1, cs: hidden, k: hidden, n: g4, batch);
        T[] hg = ArrayPool<T>.Shared.Rent(rowG);
        try
        {
            for (int k = 0; k < steps; k++)
            {
                int t = FusedLayers.TimeOf(k, steps, reverse), tp = FusedLayers.TimeOf(k - 1, steps, reverse);
                if (k == 0) product.Run(hArr, hOff, hg);
                else product.Run(outArr, tp * rowH, hg);
                ReadOnlySpan<T> cPrev = k == 0 ? c0 : cells.Slice(tp * rowH, rowH);
                FusedCells.LstmRows<T>(proj.Slice(t * rowG, rowG), hg.AsSpan(0, rowG), cPrev, bias, bT is not null,
                    gates.Slice(t * rowG, rowG), outArr.AsSpan(t * rowH, rowH), cells.Slice(t * rowH, rowH), hidden);
            }
        }
        finally { ArrayPool<T>.Shared.Return(hg); }
    }

    /// <summary>
    /// Gradients for (proj, h0, c0, W_hh, b_hh) from those of (output, h_n, c_n); saved: proj, h0, c0,
    /// W_hh, the activated gates, the cell states, the outputs, [b_hh].
    /// </summary>
    public static Tensor?[] Backward(BackwardContext ctx, Tensor[] g)
    {
        var s = ctx.State<State>();
        Tensor p = ctx.Saved(0), h0 = ctx.Saved(1), c0 = ctx.Saved(2), w = ctx.Saved(3);
        Tensor? b = s.HasBias ? ctx.Saved(7) : null;
        if (Autograd.IsGradEnabled) return BackwardRecorded(ctx, s, p, h0, c0, w, b, g);
        Tensor gates = ctx.Saved(4), cells = ctx.Saved(5), output = ctx.Saved(6);
        int steps = s.Steps, batch = h0.Shape[0], hidden = h0.Shape[1];
        var gGates = Tensor.Alloc([steps * batch, 4 * hidden], h0.DType, h0.Device, uninitialized: true, op: "lstm_backward");
        var gh0 = Tensor.Alloc([batch, hidden], h0.DType, h0.Device, uninitialized: true, op: "lstm_backward");
        var gc0 = Tensor.Alloc([batch, hidden], h0.DType, h0.Device, uninitialized: true, op: "lstm_backward");
        var gOut = g[0].Contiguous();
        var ghN = g[1].Contiguous();
        var gcN = g[2].Contiguous();
        if (h0.DType == DType.Float32) BackwardSteps<float>(c0, w, gates, cells, gOut, ghN, gcN, gGates, gh0, gc0, steps, s.Reverse);
        else BackwardSteps<double>(c0, w, gates, cells, gOut, ghN, gcN, gGates, gh0, gc0, steps, s.Reverse);

        Tensor? gW = null;
        if (ctx.NeedsGrad(3))
        {
            Tensor hPrev = FusedLayers.PreviousStates(h0, output, steps, s.Reverse);
            gW = gGates.T.MatMul(hPrev);
        }
        Tensor? gB = s.HasBias && ctx.NeedsGrad(4) ? gGates.Sum(0) : null;
        return [gGates, gh0, gc0, gW, gB];
    }

    private static void BackwardSteps<T>(Tensor c0T, Tensor wT, Tensor gatesT, Tensor cellsT, Tensor gOutT, Tensor ghNT, Tensor gcNT,
        Tensor gGatesT, Tensor gh0T, Tensor gc0T, int steps, bool reverse)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int batch = gh0T.Shape[0], hidden = gh0T.Shape[1], g4 = 4 * hidden, rowH = batch * hidden, rowG = batch * g4;
        ReadOnlySpan<T> c0 = c0T.AsSpan<T>(), gates = gatesT.AsSpan<T>(), cells = cellsT.AsSpan<T>(), gOut = gOutT.AsSpan<T>();
        T[] gGatesArr = FusedLayers.Data<T>(gGatesT, out _);
        // dh_prev = dgates·W_hh: B is W_hh, element (p, j) at W_hh[p, j].
        using var product = new StepProduct<T>(wT, rs: hidden, cs: 1, k: g4, n: hidden, batch);
        T[] buf = ArrayPool<T>.Shared.Rent(4 * rowH + hidden);
        try
        {
            Span<T> all = buf.AsSpan(0, 4 * rowH);
            T[] dh = buf; // [0, rowH): the gradient of the h the step produced, from later steps and h_n
            Span<T> dhStep = all.Slice(rowH, rowH), dc = all.Slice(2 * rowH, rowH), dcPrev = all.Slice(3 * rowH, rowH);
            var tc = new T[hidden];
            ghNT.AsSpan<T>().CopyTo(dh);
            gcNT.AsSpan<T>().CopyTo(dc);
            for (int k = steps - 1; k >= 0; k--)
            {
                int t = FusedLayers.TimeOf(k, steps, reverse), tp = FusedLayers.TimeOf(k - 1, steps, reverse);
                TP.Add(gOut.Slice(t * rowH, rowH), dh.AsSpan(0, rowH), dhStep);
                ReadOnlySpan<T> cPrev = k == 0 ? c0 : cells.Slice(tp * rowH, rowH);
                FusedCells.LstmBackwardRows<T>(gates.Slice(t * rowG, rowG), cPrev, cells.Slice(t * rowH, rowH), dhStep, dc,
                    gGatesArr.AsSpan(t * rowG, rowG), dcPrev, hidden, tc);
                product.Run(gGatesArr, t * rowG, dh);
                dcPrev.CopyTo(dc);
            }
            dh.AsSpan(0, rowH).CopyTo(gh0T.AsSpan<T>());
            dc.CopyTo(gc0T.AsSpan<T>());
        }
        finally { ArrayPool<T>.Shared.Return(buf); }
    }

    /// <summary>Under createGraph: the layer again in recorded per-step ops, differentiated with a graph.</summary>
    private static Tensor?[] BackwardRecorded(BackwardContext ctx, State s, Tensor p, Tensor h0, Tensor c0, Tensor w, Tensor? b, Tensor[] g)
    {
        int batch = h0.Shape[0], hidden = h0.Shape[1];
        var perStep = p.View(s.Steps, batch, 4 * hidden).Unbind(0);
        var hhT = w.T;
        Tensor h = h0, c = c0;
        var outputs = new Tensor[s.Steps];
        for (int k = 0; k < s.Steps; k++)
        {
            int t = FusedLayers.TimeOf(k, s.Steps, s.Reverse);
            (h, c) = FusedCells.LstmComposed(perStep[t], h.MatMul(hhT), c, b);
            outputs[t] = h;
        }
        Tensor output = s.Steps == 0 ? Tensor.Empty([0, batch, hidden], h0.DType, h0.Device) : Tensor.Stack(outputs, 0);
        return FusedLayers.RecordedGrads(ctx, [p, h0, c0, w, b], [output, h, c], g);
    }
}
