using Ember.Jit;
namespace Ember.NN;

/// <summary>The kind of recurrence a layer or cell runs.</summary>
internal enum RecurrentMode { RnnTanh, RnnRelu, Lstm, Gru }

/// <summary>
/// The step and layer arithmetic shared by the recurrent layers and cells, written in recorded tensor
/// ops so autograd needs no rows of its own. It follows PyTorch 1.13's CPU path (aten/src/ATen/native/RNN.cpp):
/// the input projection x·W_ihᵀ + b_ih of all time steps is one matmul, and each step adds it to
/// h·W_hhᵀ + b_hh before the gate arithmetic, so the sums round as PyTorch's do.
/// </summary>
internal static class RecurrentMath
{
    /// <summary>The number of gate blocks stacked in W_ih and W_hh (4 for LSTM: i, f, g, o; 3 for GRU: r, z, n).</summary>
    public static int GateCount(RecurrentMode mode) => mode switch { RecurrentMode.Lstm => 4, RecurrentMode.Gru => 3, _ => 1 };

    /// <summary>The weights of one layer and direction (or one cell).</summary>
    public readonly record struct Weights(Tensor Ih, Tensor Hh, Tensor? BiasIh, Tensor? BiasHh, Tensor? Hr);

    /// <summary>x·W_ihᵀ + b_ih for a 2-D x [N, in].</summary>
    public static Tensor InputProjection(Tensor x, in Weights w)
    {
        var y = x.MatMul(w.Ih.T);
        return w.BiasIh is null ? y : y + w.BiasIh;
    }

    /// <summary>
    /// One step: from the projected input <paramref name="xProj"/> [B, G·H] and the state (h [B, H_out],
    /// c [B, H] for LSTM) to the new state. LSTM: i, f, g, o = σ, σ, tanh, σ of the gate blocks,
    /// c' = f·c + i·g, h' = o·tanh(c') (then ·W_hrᵀ with a projection). GRU: r, z = σ(x_r + h_r), σ(x_z + h_z),
    /// n = tanh(x_n + r·(W_hn h + b_hn)), h' = (h − n)·z + n, PyTorch's arrangement of (1 − z)·n + z·h.
    /// </summary>
    /// <remarks>
    /// LSTM and GRU steps on float CPU tensors run the gate arithmetic as one fused autograd node
    /// (<see cref="FusedCells"/>); elsewhere the same formulas run as recorded ops.
    /// <paramref name="hhT"/> is W_hhᵀ when the caller has it already (one transpose per sequence, not per step).
    /// </remarks>
    public static (Tensor H, Tensor? C) Step(RecurrentMode mode, Tensor xProj, Tensor h, Tensor? c, in Weights w, Tensor? hhT = null)
    {
        var hGates = h.MatMul(hhT ?? w.Hh.T);
        bool fused = FusedCells.Supports(h);
        switch (mode)
        {
            case RecurrentMode.RnnTanh:
            case RecurrentMode.RnnRelu:
            {
                var pre = (w.BiasHh is null ? hGates : hGates + w.BiasHh) + xProj;
                return (mode == RecurrentMode.RnnTanh ? pre.Tanh() : pre.Relu(), null);
            }
            case RecurrentMode.Lstm:
            {
                var (hNext, cNext) = fused ? FusedCells.Lstm(xProj, hGates, c!, w.BiasHh) : FusedCells.LstmComposed(xProj, hGates, c!, w.BiasHh);
                if (w.Hr is not null) hNext = hNext.MatMul(w.Hr.T);
                return (hNext, cNext);
            }
            default:
                return (fused ? FusedCells.Gru(xProj, hGates, h, w.BiasHh) : FusedCells.GruComposed(xProj, hGates, h, w.BiasHh), null);
        }
    }

    /// <summary>
    /// Runs one direction of one layer over a sequence <paramref name="x"/> [T, B, in]; returns the
    /// outputs [T, B, H_out] (in time order also when <paramref name="reverse"/>) and the final state.
    /// On float CPU tensors (LSTM without projection, GRU, RNN) the steps run as one autograd node
    /// (<see cref="FusedLstmLayer"/>, <see cref="FusedGruLayer"/>, <see cref="FusedRnnLayer"/>).
    /// </summary>
    public static (Tensor Output, Tensor H, Tensor? C) Direction(RecurrentMode mode, Tensor x, Tensor h, Tensor? c, in Weights w, bool reverse)
    {
        int steps = x.Shape[0], batch = x.Shape[1];
        var proj = InputProjection(x.Reshape(steps * batch, x.Shape[2]), w);
        if (mode == RecurrentMode.Lstm && FusedLstmLayer.Supports(proj, h, c!, w))
            return FusedLstmLayer.Run(proj, h, c!, w.Hh, w.BiasHh, steps, reverse);
        if (mode == RecurrentMode.Gru && FusedGruLayer.Supports(proj, h, w))
        {
            var (output, hN) = FusedGruLayer.Run(proj, h, w.Hh, w.BiasHh, steps, reverse);
            return (output, hN, null);
        }
        if (mode is RecurrentMode.RnnTanh or RecurrentMode.RnnRelu && FusedRnnLayer.Supports(proj, h, w))
        {
            var (output, hN) = FusedRnnLayer.Run(proj, h, w.Hh, w.BiasHh, steps, reverse, relu: mode == RecurrentMode.RnnRelu);
            return (output, hN, null);
        }
        var perStep = proj.View(steps, batch, proj.Shape[1]).Unbind(0);
        var hhT = w.Hh.T;
        var outputs = new Tensor[steps];
        for (int k = 0; k < steps; k++)
        {
            int t = reverse ? steps - 1 - k : k;
            (h, c) = Step(mode, perStep[t], h, c, w, hhT);
            outputs[t] = h;
        }
        return (Tensor.Stack(outputs, 0), h, c);
    }

    /// <summary>
    /// Runs one direction of one layer over packed rows <paramref name="x"/> [sum(sizes), in] whose step
    /// t holds the first <paramref name="sizes"/>[t] sequences (non-increasing), from the initial state
    /// <paramref name="h"/> [sizes[0], H_out] (and <paramref name="c"/>), as PyTorch's PackedLayer and
    /// ReversedPackedLayer: going forward, the rows of the sequences that end are set aside as their final
    /// state; going backward, each sequence joins with its initial state at its last step. Returns the
    /// packed outputs [sum(sizes), H_out] and the final states of every sequence.
    /// </summary>
    public static (Tensor Output, Tensor H, Tensor? C) PackedDirection(RecurrentMode mode, Tensor x, int[] sizes, Tensor h, Tensor? c, in Weights w, bool reverse)
    {
        int steps = sizes.Length;
        var proj = InputProjection(x, w);
        var hhT = w.Hh.T;
        // One split node (its backward is one concatenation), not a slice node per step.
        var perStep = steps == 1 ? [proj] : proj.Split(sizes, 0);
        var outputs = new Tensor[steps];
        if (reverse)
        {
            Tensor h0 = h;
            Tensor? c0 = c;
            int rows = sizes[^1];
            h = h0.Narrow(0, 0, rows);
            c = c0?.Narrow(0, 0, rows);
            for (int t = steps - 1; t >= 0; t--)
            {
                if (sizes[t] > rows)
                {
                    h = Tensor.Cat([h, h0.Narrow(0, rows, sizes[t] - rows)], 0);
                    if (c is not null) c = Tensor.Cat([c, c0!.Narrow(0, rows, sizes[t] - rows)], 0);
                    rows = sizes[t];
                }
                (h, c) = Step(mode, perStep[t], h, c, w, hhT);
                outputs[t] = h;
            }
            return (Tensor.Cat(outputs, 0), h, c);
        }
        var hDone = new List<Tensor>();
        var cDone = new List<Tensor>();
        int current = sizes[0];
        for (int t = 0; t < steps; t++)
        {
            if (sizes[t] < current)
            {
                hDone.Add(h.Narrow(0, sizes[t], current - sizes[t]));
                h = h.Narrow(0, 0, sizes[t]);
                if (c is not null)
                {
                    cDone.Add(c.Narrow(0, sizes[t], current - sizes[t]));
                    c = c.Narrow(0, 0, sizes[t]);
                }
                current = sizes[t];
            }
            (h, c) = Step(mode, perStep[t], h, c, w, hhT);
            outputs[t] = h;
        }
        // Sequences that ended earlier hold the higher rows: the last set aside holds the lowest of them.
        hDone.Add(h);
        hDone.Reverse();
        Tensor hN = hDone.Count == 1 ? h : Tensor.Cat(hDone, 0);
        Tensor? cN = c;
        if (c is not null && cDone.Count > 0)
        {
            cDone.Add(c);
            cDone.Reverse();
            cN = Tensor.Cat(cDone, 0);
        }
        return (Tensor.Cat(outputs, 0), hN, cN);
    }

    /// <summary>
    /// The whole stack: <paramref name="x"/> [T, B, in], <paramref name="h0"/> [L·D, B, H_out] and, for
    /// LSTM, <paramref name="c0"/> [L·D, B, H]; <paramref name="weights"/> indexed layer·D + direction.
    /// Dropout (when <paramref name="dropout"/> &gt; 0 and <paramref name="training"/>) applies to every
    /// layer's output but the last, as PyTorch's. With <paramref name="packedSizes"/>, <paramref name="x"/>
    /// is packed rows [sum(sizes), in] (see <see cref="PackedDirection"/>) and so is the output.
    /// </summary>
    public static (Tensor Output, Tensor H, Tensor? C) Run(RecurrentMode mode, Tensor x, Tensor h0, Tensor? c0,
        IReadOnlyList<Weights> weights, int numLayers, bool bidirectional, double dropout, bool training, int[]? packedSizes = null)
    {
        if (Tracer.IsActive)
        {
            // One node for the whole stack, as PyTorch's aten::lstm: weights follow the states, five per layer and direction.
            var inputs = new List<Tensor?> { x, h0, c0 };
            foreach (var w in weights) inputs.AddRange([w.Ih, w.Hh, w.BiasIh, w.BiasHh, w.Hr]);
            string name = mode switch { RecurrentMode.Lstm => "aten::lstm", RecurrentMode.Gru => "aten::gru", RecurrentMode.RnnTanh => "aten::rnn_tanh", _ => "aten::rnn_relu" };
            var attrs = new Attributes().Set("mode", (int)mode).Set("num_layers", numLayers).Set("bidirectional", bidirectional)
                .Set("dropout", dropout).Set("train", training).Set("batch_sizes", packedSizes);
            var r = Tracer.RecordMany(name, [.. inputs], attrs, static (t, a) =>
            {
                var ws = new Weights[(t.Length - 3) / 5];
                for (int i = 0; i < ws.Length; i++) ws[i] = new Weights(t[3 + 5 * i]!, t[4 + 5 * i]!, t[5 + 5 * i], t[6 + 5 * i], t[7 + 5 * i]);
                var (o, h, c) = Run((RecurrentMode)a.Int("mode"), t[0]!, t[1]!, t[2], ws, a.Int("num_layers"), a.Bool("bidirectional"),
                    a.Double("dropout"), a.Bool("train"), a.IntsOrNull("batch_sizes"));
                return c is null ? [o, h] : [o, h, c];
            });
            return (r[0], r[1], r.Length > 2 ? r[2] : null);
        }
        int dirs = bidirectional ? 2 : 1;
        var hs = h0.Unbind(0);
        var cs = c0?.Unbind(0);
        var hOut = new Tensor[numLayers * dirs];
        var cOut = c0 is null ? null : new Tensor[numLayers * dirs];
        var layerInput = x;
        for (int layer = 0; layer < numLayers; layer++)
        {
            var dirOutputs = new Tensor[dirs];
            for (int d = 0; d < dirs; d++)
            {
                int k = layer * dirs + d;
                var (o, h, c) = packedSizes is null
                    ? Direction(mode, layerInput, hs[k], cs?[k], weights[k], reverse: d == 1)
                    : PackedDirection(mode, layerInput, packedSizes, hs[k], cs?[k], weights[k], reverse: d == 1);
                dirOutputs[d] = o;
                hOut[k] = h;
                if (cOut is not null) cOut[k] = c!;
            }
            layerInput = dirs == 1 ? dirOutputs[0] : Tensor.Cat(dirOutputs, -1);
            if (dropout > 0 && training && layer < numLayers - 1)
                layerInput = F.Dropout(layerInput, dropout, training: true);
        }
        return (layerInput, Tensor.Stack(hOut, 0), cOut is null ? null : Tensor.Stack(cOut, 0));
    }
}
