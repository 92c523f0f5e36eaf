using System.Buffers;
using System.Numerics;
using Ember.Graph;
using TP = System.Numerics.Tensors.TensorPrimitives;

namespace Ember.NN;

/// <summary>
/// One direction of one GRU layer over a whole sequence as a single autograd node, as
/// <see cref="FusedLstmLayer"/> runs LSTM: W_hh packed once per sequence and once per backward, each
/// step one product into a scratch row block plus the fused gate kernel (<see cref="FusedCells"/>).
/// Unlike LSTM's, GRU's recurrent gates reach the candidate through r·(W_hn h + b_hn), so the backward
/// keeps two gradient blocks of [T·B, 3H]: that of the input gates (the input projection's gradient)
/// and that of the recurrent gates (its n block scaled by r), which feeds the next step's dh, W_hh's
/// gradient (one product of depth T·B) and, summed, b_hh's.
/// </summary>
/// <remarks>
/// The forward rounds exactly as the step-by-step path. W_hh's and b_hh's gradients sum over the steps
/// in another order, so in float32 they can differ from PyTorch's in the last bits. Under
/// <c>createGraph</c> the backward recomputes the layer with recorded per-step ops and differentiates that.
/// </remarks>
internal static class FusedGruLayer
{
    /// <summary>Whether the fused layer serves these tensors: CPU, one float dtype throughout.</summary>
    public static bool Supports(Tensor proj, Tensor h0, in RecurrentMath.Weights w) =>
        w.Hr is null && FusedCells.Supports(h0) && proj.DType == h0.DType && w.Hh.DType == h0.DType
        && (w.BiasHh is null || w.BiasHh.DType == h0.DType) && proj.Device == h0.Device
        && w.Hh.Device == h0.Device && (w.BiasHh is null || w.BiasHh.Device == h0.Device);

    private sealed record State(int Steps, bool Reverse, bool HasBias);

    /// <summary>
    /// Runs the layer: <paramref name="proj"/> [T·B, 3H] is x·W_ihᵀ + b_ih of every step (time-major),
    /// <paramref name="h0"/> [B, H]. Returns the outputs [T, B, H] in time order (also when
    /// <paramref name="reverse"/>) and the final h.
    /// </summary>
    public static (Tensor Output, Tensor H) Run(Tensor proj, Tensor h0, Tensor whh, Tensor? bhh, int steps, bool reverse)
    {
        var p = proj.Contiguous();
        var h = h0.Contiguous();
        var w = whh.Contiguous();
        var b = bhh?.Contiguous();
        int batch = h.Shape[0], hidden = h.Shape[1];
        DType dt = h.DType;
        var output = Tensor.Alloc([steps, batch, hidden], dt, h.Device, uninitialized: true, op: "gru");
        // Per step and row r, z, n and W_hn h + b_hn, as the fused cell's workspace.
        var workspace = Tensor.Alloc([steps, batch, 4 * hidden], dt, h.Device, uninitialized: true, op: "gru");
        if (dt == DType.Float32) Forward<float>(p, h, w, b, output, workspace, steps, reverse);
        else Forward<double>(p, h, w, b, output, workspace, steps, reverse);
        int last = reverse ? 0 : steps - 1;
        var hN = steps == 0 ? h.Clone() : output.Select(0, last).Clone();
        if (Autograd.Recording([proj, h0, whh, bhh]))
        {
            Tensor[] saved = b is null ? [p, h, w, workspace, output] : [p, h, w, workspace, output, b];
            Derivatives.FusedGruLayer.Record([output, hN], [proj, h0, whh, bhh], saved, new State(steps, reverse, b is not null));
        }
        return (output, hN);
    }

    private static void Forward<T>(Tensor pT, Tensor hT, Tensor wT, Tensor? bT, Tensor outT, Tensor wsT, int steps, bool reverse)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int batch = hT.Shape[0], hidden = hT.Shape[1], g3 = 3 * hidden, rowH = batch * hidden, rowG = batch * g3, rowW = batch * 4 * hidden;
        T[] hArr = FusedLayers.Data<T>(hT, out int hOff), outArr = FusedLayers.Data<T>(outT, out _);
        ReadOnlySpan<T> proj = pT.AsSpan<T>(), h0 = hT.AsSpan<T>(), bias = bT is null ? default : bT.AsSpan<T>();
        Span<T> ws = wsT.AsSpan<T>();
        // h·W_hhᵀ: B is W_hhᵀ, element (p, j) at W_hh[j, p].
        using var product = new StepProduct<T>(wT, rs: 1, cs: hidden, k: hidden, n: g3, batch);
        T[] hg = ArrayPool<T>.Shared.Rent(rowG);
        try
        {
            for (int k = 0; k < steps; k++)
            {
                int t = FusedLayers.TimeOf(k, steps, reverse), tp = FusedLayers.TimeOf(k - 1, steps, reverse);
                if (k == 0) product.Run(hArr, hOff, hg);
                else product.Run(outArr, tp * rowH, hg);
                ReadOnlySpan<T> hPrev = k == 0 ? h0 : outArr.AsSpan(tp * rowH, rowH);
                FusedCells.GruRows<T>(proj.Slice(t * rowG, rowG), hg.AsSpan(0, rowG), hPrev, bias, bT is not null,
                    ws.Slice(t * rowW, rowW), outArr.AsSpan(t * rowH, rowH), hidden);
            }
        }
        finally { ArrayPool<T>.Shared.Return(hg); }
    }

    /// <summary>
    /// Gradients for (proj, h0, W_hh, b_hh) from those of (output, h_n); saved: proj, h0, W_hh, the
    /// workspace, the outputs, [b_hh].
    /// </summary>
    public static Tensor?[] Backward(BackwardContext ctx, Tensor[] g)
    {
        var s = ctx.State<State>();
        Tensor p = ctx.Saved(0), h0 = ctx.Saved(1), w = ctx.Saved(2);
        Tensor? b = s.HasBias ? ctx.Saved(5) : null;
        if (Autograd.IsGradEnabled) return BackwardRecorded(ctx, s, p, h0, w, b, g);
        Tensor workspace = ctx.Saved(3), output = ctx.Saved(4);
        int steps = s.Steps, batch = h0.Shape[0], hidden = h0.Shape[1];
        var gInput = Tensor.Alloc([steps * batch, 3 * hidden], h0.DType, h0.Device, uninitialized: true, op: "gru_backward");
        var gRecurrent = Tensor.Alloc([steps * batch, 3 * hidden], h0.DType, h0.Device, uninitialized: true, op: "gru_backward");
        var gh0 = Tensor.Alloc([batch, hidden], h0.DType, h0.Device, uninitialized: true, op: "gru_backward");
        var gOut = g[0].Contiguous();
        var ghN = g[1].Contiguous();
        if (h0.DType == DType.Float32) BackwardSteps<float>(h0, w, workspace, output, gOut, ghN, gInput, gRecurrent, gh0, steps, s.Reverse);
        else BackwardSteps<double>(h0, w, workspace, output, gOut, ghN, gInput, gRecurrent, gh0, steps, s.Reverse);
        Tensor? gW = ctx.NeedsGrad(2) ? gRecurrent.T.MatMul(FusedLayers.PreviousStates(h0, output, steps, s.Reverse)) : null;
        Tensor? gB = s.HasBias && ctx.NeedsGrad(3) ? gRecurrent.Sum(0) : null;
        return [gInput, gh0, gW, gB];
    }

    private static void BackwardSteps<T>(Tensor h0T, Tensor wT, Tensor wsT, Tensor outT, Tensor gOutT, Tensor ghNT,
        Tensor gInputT, Tensor gRecurrentT, Tensor gh0T, int steps, bool reverse)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int batch = gh0T.Shape[0], hidden = gh0T.Shape[1], g3 = 3 * hidden, rowH = batch * hidden, rowG = batch * g3, rowW = batch * 4 * hidden;
        ReadOnlySpan<T> h0 = h0T.AsSpan<T>(), ws = wsT.AsSpan<T>(), output = outT.AsSpan<T>(), gOut = gOutT.AsSpan<T>();
        Span<T> gInput = gInputT.AsSpan<T>();
        T[] gRecArr = FusedLayers.Data<T>(gRecurrentT, out _);
        // dh_prev = gRecurrent·W_hh: B is W_hh, element (p, j) at W_hh[p, j].
        using var product = new StepProduct<T>(wT, rs: hidden, cs: 1, k: g3, n: hidden, batch);
        T[] buf = ArrayPool<T>.Shared.Rent(3 * rowH);
        try
        {
            T[] dh = buf; // [0, rowH): the gradient of the h the step produced, from later steps and h_n
            Span<T> dhStep = buf.AsSpan(rowH, rowH), ghx = buf.AsSpan(2 * rowH, rowH);
            ghNT.AsSpan<T>().CopyTo(dh);
            for (int k = steps - 1; k >= 0; k--)
            {
                int t = FusedLayers.TimeOf(k, steps, reverse), tp = FusedLayers.TimeOf(k - 1, steps, reverse);
                TP.Add(gOut.Slice(t * rowH, rowH), dh.AsSpan(0, rowH), dhStep);
                ReadOnlySpan<T> hPrev = k == 0 ? h0 : output.Slice(tp * rowH, rowH);
                FusedCells.GruBackwardRows<T>(ws.Slice(t * rowW, rowW), hPrev, dhStep, gInput.Slice(t * rowG, rowG),
                    gRecArr.AsSpan(t * rowG, rowG), ghx, hidden);
                product.Run(gRecArr, t * rowG, dh);
                TP.Add(dh.AsSpan(0, rowH), ghx, dh.AsSpan(0, rowH));
            }
            dh.AsSpan(0, rowH).CopyTo(gh0T.AsSpan<T>());
        }
        finally { ArrayPool<T>.Shared.Return(buf); }
    }

    /// <summary>Under createGraph: the layer again in recorded per-step ops, differentiated with a graph.</summary>
    private static Tensor?[] BackwardRecorded(BackwardContext ctx, State s, Tensor p, Tensor h0, Tensor w, Tensor? b, Tensor[] g)
    {
        int batch = h0.Shape[0], hidden = h0.Shape[1];
        var perStep = p.View(s.Steps, batch, 3 * hidden).Unbind(0);
        var hhT = w.T;
        Tensor h = h0;
        var outputs = new Tensor[s.Steps];
        for (int k = 0; k < s.Steps; k++)
        {
            int t = FusedLayers.TimeOf(k, s.Steps, s.Reverse);
            h = FusedCells.GruComposed(perStep[t], h.MatMul(hhT), h, b);
            outputs[t] = h;
        }
        Tensor output = s.Steps == 0 ? Tensor.Empty([0, batch, hidden], h0.DType, h0.Device) : Tensor.Stack(outputs, 0);
        return FusedLayers.RecordedGrads(ctx, [p, h0, w, b], [output, h], g);
    }
}
