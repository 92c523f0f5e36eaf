using System.Buffers;
using System.Numerics;
using Ember.Graph;
using TP = System.Numerics.Tensors.TensorPrimitives;

namespace Ember.NN;

/// <summary>
/// One direction of one plain RNN layer (tanh or relu) over a whole sequence as a single autograd
/// node, as <see cref="FusedLstmLayer"/> runs LSTM: W_hh packed once per sequence and once per
/// backward; each step one product with b_hh into the step's output rows, then the projected input and the
/// nonlinearity in place. The backward keeps the pre-activation gradients of all steps in one [T·B, H]
/// block: the input projection's gradient, W_hh's (one product of depth T·B) and, summed, b_hh's.
/// </summary>
/// <remarks>
/// The forward rounds as the step-by-step path, (h·W_hhᵀ + b_hh) + x·W_ihᵀ; W_hh's and b_hh's gradients
/// sum over the steps in another order. Under <c>createGraph</c> the backward recomputes the layer with
/// recorded per-step ops and differentiates that.
/// </remarks>
internal static class FusedRnnLayer
{
    /// <summary>Whether the fused layer serves these tensors: CPU, one float dtype throughout.</summary>
    public static bool Supports(Tensor proj, Tensor h0, in RecurrentMath.Weights w) => FusedGruLayer.Supports(proj, h0, w);

    private sealed record State(int Steps, bool Reverse, bool HasBias, bool Relu);

    /// <summary>
    /// Runs the layer: <paramref name="proj"/> [T·B, H] is x·W_ihᵀ + b_ih of every step (time-major),
    /// <paramref name="h0"/> [B, H]; h' = tanh (or relu) of (h·W_hhᵀ + b_hh) + proj. Returns the outputs
    /// [T, B, H] in time order (also when <paramref name="reverse"/>) and the final h.
    /// </summary>
    public static (Tensor Output, Tensor H) Run(Tensor proj, Tensor h0, Tensor whh, Tensor? bhh, int steps, bool reverse, bool relu)
    {
        var p = proj.Contiguous();
        var h = h0.Contiguous();
        var w = whh.Contiguous();
        var b = bhh?.Contiguous();
        int batch = h.Shape[0], hidden = h.Shape[1];
        var output = Tensor.Alloc([steps, batch, hidden], h.DType, h.Device, uninitialized: true, op: "rnn");
        if (h.DType == DType.Float32) Forward<float>(p, h, w, b, output, steps, reverse, relu);
        else Forward<double>(p, h, w, b, output, steps, reverse, relu);
        int last = reverse ? 0 : steps - 1;
        var hN = steps == 0 ? h.Clone() : output.Select(0, last).Clone();
        if (Autograd.Recording([proj, h0, whh, bhh]))
        {
            Tensor[] saved = b is null ? [p, h, w, output] : [p, h, w, output, b];
            Derivatives.FusedRnnLayer.Record([output, hN], [proj, h0, whh, bhh], saved, new State(steps, reverse, b is not null, relu));
        }
        return (output, hN);
    }

    private static void Forward<T>(Tensor pT, Tensor hT, Tensor wT, Tensor? bT, Tensor outT, int steps, bool reverse, bool relu)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int batch = hT.Shape[0], hidden = hT.Shape[1], rowH = batch * hidden;
        T[] hArr = FusedLayers.Data<T>(hT, out int hOff), outArr = FusedLayers.Data<T>(outT, out _);
        ReadOnlySpan<T> proj = pT.AsSpan<T>();
        // h·W_hhᵀ + b_hh: B is W_hhᵀ, element (p, j) at W_hh[j, p].
        using var product = new StepProduct<T>(wT, rs: 1, cs: hidden, k: hidden, n: hidden, batch, rowBias: bT);
        for (int k = 0; k < steps; k++)
        {
            int t = FusedLayers.TimeOf(k, steps, reverse), tp = FusedLayers.TimeOf(k - 1, steps, reverse);
            if (k == 0) product.Run(hArr, hOff, outArr, t * rowH);
            else product.Run(outArr, tp * rowH, outArr, t * rowH);
            var y = outArr.AsSpan(t * rowH, rowH);
            TP.Add(y, proj.Slice(t * rowH, rowH), y);
            if (relu) Relu(y);
            else TP.Tanh(y, y);
        }
    }

    /// <summary>PyTorch's relu, clamp_min(0): a select on y &lt; 0, so NaN and −0.0 pass through.</summary>
    private static void Relu<T>(Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int j = 0;
        if (Vector.IsHardwareAccelerated)
            for (; j <= y.Length - Vector<T>.Count; j += Vector<T>.Count)
            {
                var v = new Vector<T>(y.Slice(j));
                Vector.ConditionalSelect(Vector.LessThan(v, Vector<T>.Zero), Vector<T>.Zero, v).CopyTo(y.Slice(j));
            }
        for (; j < y.Length; j++) if (y[j] < T.Zero) y[j] = T.Zero;
    }

    /// <summary>Gradients for (proj, h0, W_hh, b_hh) from those of (output, h_n); saved: proj, h0, W_hh, the outputs, [b_hh].</summary>
    public static Tensor?[] Backward(BackwardContext ctx, Tensor[] g)
    {
        var s = ctx.State<State>();
        Tensor p = ctx.Saved(0), h0 = ctx.Saved(1), w = ctx.Saved(2);
        Tensor? b = s.HasBias ? ctx.Saved(4) : null;
        if (Autograd.IsGradEnabled) return BackwardRecorded(ctx, s, p, h0, w, b, g);
        Tensor output = ctx.Saved(3);
        int steps = s.Steps, batch = h0.Shape[0], hidden = h0.Shape[1];
        var gPre = Tensor.Alloc([steps * batch, hidden], h0.DType, h0.Device, uninitialized: true, op: "rnn_backward");
        var gh0 = Tensor.Alloc([batch, hidden], h0.DType, h0.Device, uninitialized: true, op: "rnn_backward");
        var gOut = g[0].Contiguous();
        var ghN = g[1].Contiguous();
        if (h0.DType == DType.Float32) BackwardSteps<float>(w, output, gOut, ghN, gPre, gh0, steps, s.Reverse, s.Relu);
        else BackwardSteps<double>(w, output, gOut, ghN, gPre, gh0, steps, s.Reverse, s.Relu);
        Tensor? gW = ctx.NeedsGrad(2) ? gPre.T.MatMul(FusedLayers.PreviousStates(h0, output, steps, s.Reverse)) : null;
        Tensor? gB = s.HasBias && ctx.NeedsGrad(3) ? gPre.Sum(0) : null;
        return [gPre, gh0, gW, gB];
    }

    private static void BackwardSteps<T>(Tensor wT, Tensor outT, Tensor gOutT, Tensor ghNT, Tensor gPreT, Tensor gh0T, int steps, bool reverse, bool relu)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int batch = gh0T.Shape[0], hidden = gh0T.Shape[1], rowH = batch * hidden;
        ReadOnlySpan<T> output = outT.AsSpan<T>(), gOut = gOutT.AsSpan<T>();
        T[] gPreArr = FusedLayers.Data<T>(gPreT, out _);
        // dh_prev = gPre·W_hh: B is W_hh, element (p, j) at W_hh[p, j].
        using var product = new StepProduct<T>(wT, rs: hidden, cs: 1, k: hidden, n: hidden, batch);
        T[] dh = ArrayPool<T>.Shared.Rent(rowH); // the gradient of the h the step produced, from later steps and h_n
        try
        {
            ghNT.AsSpan<T>().CopyTo(dh);
            for (int k = steps - 1; k >= 0; k--)
            {
                int t = FusedLayers.TimeOf(k, steps, reverse);
                var gp = gPreArr.AsSpan(t * rowH, rowH);
                TP.Add(gOut.Slice(t * rowH, rowH), dh.AsSpan(0, rowH), gp);
                var y = output.Slice(t * rowH, rowH);
                if (relu) ReluBackward(y, gp);
                else TanhBackward(y, gp);
                product.Run(gPreArr, t * rowH, dh);
            }
            dh.AsSpan(0, rowH).CopyTo(gh0T.AsSpan<T>());
        }
        finally { ArrayPool<T>.Shared.Return(dh); }
    }

    /// <summary>g ← g·(1 − y²), tanh's backward from its output.</summary>
    private static void TanhBackward<T>(ReadOnlySpan<T> y, Span<T> g) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int j = 0;
        if (Vector.IsHardwareAccelerated)
            for (; j <= y.Length - Vector<T>.Count; j += Vector<T>.Count)
            {
                var v = new Vector<T>(y.Slice(j));
                (new Vector<T>(g.Slice(j)) * (Vector<T>.One - v * v)).CopyTo(g.Slice(j));
            }
        for (; j < y.Length; j++) g[j] *= T.One - y[j] * y[j];
    }

    /// <summary>g ← 0 where y ≤ 0, PyTorch's threshold_backward(g, y, 0).</summary>
    private static void ReluBackward<T>(ReadOnlySpan<T> y, Span<T> g) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int j = 0;
        if (Vector.IsHardwareAccelerated)
            for (; j <= y.Length - Vector<T>.Count; j += Vector<T>.Count)
            {
                var v = new Vector<T>(y.Slice(j));
                Vector.ConditionalSelect(Vector.LessThanOrEqual(v, Vector<T>.Zero), Vector<T>.Zero, new Vector<T>(g.Slice(j))).CopyTo(g.Slice(j));
            }
        for (; j < y.Length; j++) if (y[j] <= T.Zero) g[j] = T.Zero;
    }

    /// <summary>Under createGraph: the layer again in recorded per-step ops, differentiated with a graph.</summary>
    private static Tensor?[] BackwardRecorded(BackwardContext ctx, State s, Tensor p, Tensor h0, Tensor w, Tensor? b, Tensor[] g)
    {
        int batch = h0.Shape[0], hidden = h0.Shape[1];
        var perStep = p.View(s.Steps, batch, hidden).Unbind(0);
        var hhT = w.T;
        Tensor h = h0;
        var outputs = new Tensor[s.Steps];
        for (int k = 0; k < s.Steps; k++)
        {
            int t = FusedLayers.TimeOf(k, s.Steps, s.Reverse);
            var hGates = h.MatMul(hhT);
            var pre = (b is null ? hGates : hGates + b) + perStep[t];
            h = s.Relu ? pre.Relu() : pre.Tanh();
            outputs[t] = h;
        }
        Tensor output = s.Steps == 0 ? Tensor.Empty([0, batch, hidden], h0.DType, h0.Device) : Tensor.Stack(outputs, 0);
        return FusedLayers.RecordedGrads(ctx, [p, h0, w, b], [output, h], g);
    }
}
