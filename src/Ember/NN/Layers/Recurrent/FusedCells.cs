using System.Numerics;
using System.Numerics.Tensors;
using Ember.Graph;

namespace Ember.NN;

/// <summary>
/// The gate arithmetic of one LSTM or GRU step as a single autograd node, forward and backward
/// written by hand (PyTorch's <c>_thnn_fused_lstm_cell</c> and <c>_thnn_fused_gru_cell</c>): the
/// recurrent matrix product stays outside, everything after it (bias, the sum with the projected
/// input, the gate nonlinearities, the new cell and hidden state) is one pass over the gates instead
/// of a dozen recorded pointwise ops. Float32 and float64 CPU tensors take the vectorised kernels
/// (<see cref="TensorPrimitives"/> and <see cref="Vector{T}"/>); other devices and dtypes use the
/// composed ops. The sums round in the order of PyTorch's CPU path: (h·W_hhᵀ + b_hh) + x·W_ihᵀ.
/// Under <c>createGraph</c> the backward is recomputed from the saved inputs with recorded tensor ops
/// (the same formulas), so the fused nodes support double backward as PyTorch's do.
/// </summary>
internal static class FusedCells
{
    /// <summary>Whether the fused kernels serve these tensors (CPU, float32 or float64).</summary>
    public static bool Supports(Tensor t) => t.Device.Type == DeviceType.Cpu && t.DType is DType.Float32 or DType.Float64;

    /// <summary>
    /// LSTM: gates = (hGates + bias) + xGates ([B, 4H], blocks i, f, g, o), c' = σ(f)·c + σ(i)·tanh(g),
    /// h' = σ(o)·tanh(c'). <paramref name="bias"/> is b_hh [4H] or null.
    /// </summary>
    public static (Tensor H, Tensor C) Lstm(Tensor xGates, Tensor hGates, Tensor c, Tensor? bias)
    {
        var x = xGates.Contiguous();
        var hg = hGates.Contiguous();
        var cx = c.Contiguous();
        var b = bias?.Contiguous();
        int batch = cx.Shape[0], hidden = cx.Shape[1];
        var workspace = Tensor.Empty([batch, 4 * hidden], cx.DType, cx.Device);
        var hy = Tensor.Empty([batch, hidden], cx.DType, cx.Device);
        var cy = Tensor.Empty([batch, hidden], cx.DType, cx.Device);
        if (cx.DType == DType.Float32) LstmForward<float>(x, hg, cx, b, workspace, hy, cy, hidden);
        else LstmForward<double>(x, hg, cx, b, workspace, hy, cy, hidden);
        if (Autograd.Recording([xGates, hGates, c, bias]))
        {
            Tensor[] saved = b is null ? [xGates, hGates, c, workspace, cy] : [xGates, hGates, c, workspace, cy, bias!];
            Derivatives.FusedLstmCell.Record([hy, cy], [xGates, hGates, c, bias], saved, b is not null);
        }
        return (hy, cy);
    }

    /// <summary>
    /// GRU: r = σ(x_r + (h_r + b_r)), z = σ(x_z + (h_z + b_z)), n = tanh(x_n + r·(h_n + b_n)),
    /// h' = (h − n)·z + n, gates [B, 3H] in blocks r, z, n. <paramref name="bias"/> is b_hh [3H] or null.
    /// </summary>
    public static Tensor Gru(Tensor xGates, Tensor hGates, Tensor h, Tensor? bias)
    {
        var x = xGates.Contiguous();
        var hg = hGates.Contiguous();
        var hx = h.Contiguous();
        var b = bias?.Contiguous();
        int batch = hx.Shape[0], hidden = hx.Shape[1];
        // r, z, n and h_n + b_n per row, as PyTorch's workspace.
        var workspace = Tensor.Empty([batch, 4 * hidden], hx.DType, hx.Device);
        var hy = Tensor.Empty([batch, hidden], hx.DType, hx.Device);
        if (hx.DType == DType.Float32) GruForward<float>(x, hg, hx, b, workspace, hy, hidden);
        else GruForward<double>(x, hg, hx, b, workspace, hy, hidden);
        if (Autograd.Recording([xGates, hGates, h, bias]))
        {
            Tensor[] saved = b is null ? [xGates, hGates, h, workspace] : [xGates, hGates, h, workspace, bias!];
            Derivatives.FusedGruCell.Record(hy, [xGates, hGates, h, bias], saved, b is not null);
        }
        return hy;
    }

    // ---- backward (called by the derivative table's rows)

    /// <summary>Gradients for (xGates, hGates, c, bias) from (gh', gc'); saved: xGates, hGates, c, workspace, c', [bias].</summary>
    public static Tensor?[] LstmBackward(BackwardContext ctx, Tensor[] g, bool hasBias)
    {
        if (Autograd.IsGradEnabled)
            return LstmBackwardComposed(ctx.Saved(0), ctx.Saved(1), ctx.Saved(2), hasBias ? ctx.Saved(5) : null, g[0], g[1]);
        var cx = ctx.Saved(2).Contiguous();
        var workspace = ctx.Saved(3);
        var cy = ctx.Saved(4);
        var gh = g[0].Contiguous();
        var gc = g[1].Contiguous();
        int batch = cx.Shape[0], hidden = cx.Shape[1];
        var gGates = Tensor.Empty([batch, 4 * hidden], cx.DType, cx.Device);
        var gcx = Tensor.Empty([batch, hidden], cx.DType, cx.Device);
        if (cx.DType == DType.Float32) LstmBackwardKernel<float>(workspace, cx, cy, gh, gc, gGates, gcx, hidden);
        else LstmBackwardKernel<double>(workspace, cx, cy, gh, gc, gGates, gcx, hidden);
        return [gGates, gGates, gcx, hasBias ? gGates : null];
    }

    /// <summary>Gradients for (xGates, hGates, h, bias) from gh'; saved: xGates, hGates, h, workspace, [bias].</summary>
    public static Tensor?[] GruBackward(BackwardContext ctx, Tensor[] g, bool hasBias)
    {
        if (Autograd.IsGradEnabled)
            return GruBackwardComposed(ctx.Saved(0), ctx.Saved(1), ctx.Saved(2), hasBias ? ctx.Saved(4) : null, g[0]);
        var hx = ctx.Saved(2).Contiguous();
        var workspace = ctx.Saved(3);
        var gh = g[0].Contiguous();
        int batch = hx.Shape[0], hidden = hx.Shape[1];
        var gx = Tensor.Empty([batch, 3 * hidden], hx.DType, hx.Device);
        var ghg = Tensor.Empty([batch, 3 * hidden], hx.DType, hx.Device);
        var ghx = Tensor.Empty([batch, hidden], hx.DType, hx.Device);
        if (hx.DType == DType.Float32) GruBackwardKernel<float>(workspace, hx, gh, gx, ghg, ghx, hidden);
        else GruBackwardKernel<double>(workspace, hx, gh, gx, ghg, ghx, hidden);
        return [gx, ghg, ghx, hasBias ? ghg : null];
    }

    // ---- the composed forms: the reference the kernels are tested against, and the differentiable backward

    /// <summary>The LSTM step in recorded tensor ops (as <see cref="Lstm"/> computes it).</summary>
    public static (Tensor H, Tensor C) LstmComposed(Tensor xGates, Tensor hGates, Tensor c, Tensor? bias)
    {
        var (i, f, g, o) = LstmGates(xGates, hGates, bias);
        var cy = f * c + i * g;
        return (o * cy.Tanh(), cy);
    }

    /// <summary>The GRU step in recorded tensor ops (as <see cref="Gru"/> computes it).</summary>
    public static Tensor GruComposed(Tensor xGates, Tensor hGates, Tensor h, Tensor? bias)
    {
        var (r, z, n, _) = GruGates(xGates, hGates, bias);
        return (h - n) * z + n;
    }

    private static (Tensor I, Tensor F, Tensor G, Tensor O) LstmGates(Tensor xGates, Tensor hGates, Tensor? bias)
    {
        var hs = bias is null ? hGates : hGates + bias;
        var gates = (hs + xGates).Chunk(4, 1);
        return (gates[0].Sigmoid(), gates[1].Sigmoid(), gates[2].Tanh(), gates[3].Sigmoid());
    }

    private static (Tensor R, Tensor Z, Tensor N, Tensor Hn) GruGates(Tensor xGates, Tensor hGates, Tensor? bias)
    {
        var hs = (bias is null ? hGates : hGates + bias).Chunk(3, 1);
        var xs = xGates.Chunk(3, 1);
        var r = (hs[0] + xs[0]).Sigmoid();
        var z = (hs[1] + xs[1]).Sigmoid();
        var n = (xs[2] + hs[2] * r).Tanh();
        return (r, z, n, hs[2]);
    }

    private static Tensor?[] LstmBackwardComposed(Tensor xGates, Tensor hGates, Tensor cx, Tensor? bias, Tensor gh, Tensor gc)
    {
        var (i, f, g, o) = LstmGates(xGates, hGates, bias);
        var tc = (f * cx + i * g).Tanh();
        var gcTotal = gc + gh * o * (1.0 - tc * tc);
        var gGates = Tensor.Cat([
            gcTotal * g * i * (1.0 - i),
            gcTotal * cx * f * (1.0 - f),
            gcTotal * i * (1.0 - g * g),
            gh * tc * o * (1.0 - o)], 1);
        return [gGates, gGates, gcTotal * f, bias is null ? null : gGates];
    }

    private static Tensor?[] GruBackwardComposed(Tensor xGates, Tensor hGates, Tensor hx, Tensor? bias, Tensor gh)
    {
        var (r, z, n, hn) = GruGates(xGates, hGates, bias);
        var gz = gh * (hx - n) * z * (1.0 - z);
        var gn = gh * (1.0 - z) * (1.0 - n * n);
        var gr = gn * hn * r * (1.0 - r);
        var gx = Tensor.Cat([gr, gz, gn], 1);
        var ghg = Tensor.Cat([gr, gz, gn * r], 1);
        return [gx, ghg, gh * z, bias is null ? null : ghg];
    }

    // ---- kernels: one pass per batch row over the H-wide gate blocks

    private static void LstmForward<T>(Tensor xT, Tensor hgT, Tensor cxT, Tensor? bT, Tensor wsT, Tensor hyT, Tensor cyT, int hidden)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        LstmRows<T>(xT.AsSpan<T>(), hgT.AsSpan<T>(), cxT.AsSpan<T>(), bT is null ? default : bT.AsSpan<T>(), bT is not null,
            wsT.AsSpan<T>(), hyT.AsSpan<T>(), cyT.AsSpan<T>(), hidden);

    /// <summary>
    /// The LSTM step's gate arithmetic over spans: gates (hg + b) + x activated into <paramref name="ws"/>
    /// ([B, 4H]: i, f, g, o), c' = f·c + i·g into <paramref name="cy"/>, h' = o·tanh(c') into <paramref name="hy"/>.
    /// </summary>
    internal static void LstmRows<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> hg, ReadOnlySpan<T> cx, ReadOnlySpan<T> b, bool hasBias,
        Span<T> ws, Span<T> hy, Span<T> cy, int hidden)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int g4 = 4 * hidden, batch = cx.Length / hidden;
        for (int row = 0; row < batch; row++)
        {
            var gates = ws.Slice(row * g4, g4);
            var hRow = hg.Slice(row * g4, g4);
            if (!hasBias) hRow.CopyTo(gates);
            else TensorPrimitives.Add(hRow, b, gates);
            TensorPrimitives.Add(gates, x.Slice(row * g4, g4), gates);
            TensorPrimitives.Sigmoid(gates[..(2 * hidden)], gates[..(2 * hidden)]);
            TensorPrimitives.Tanh(gates.Slice(2 * hidden, hidden), gates.Slice(2 * hidden, hidden));
            TensorPrimitives.Sigmoid(gates[(3 * hidden)..], gates[(3 * hidden)..]);
            var i = gates[..hidden];
            var f = gates.Slice(hidden, hidden);
            var g = gates.Slice(2 * hidden, hidden);
            var o = gates[(3 * hidden)..];
            var c = cy.Slice(row * hidden, hidden);
            var h = hy.Slice(row * hidden, hidden);
            TensorPrimitives.Multiply(i, g, c);
            TensorPrimitives.MultiplyAdd(f, cx.Slice(row * hidden, hidden), c, c); // f·c + i·g, each product rounded as PyTorch's
            TensorPrimitives.Tanh(c, h);
            TensorPrimitives.Multiply(o, h, h);
        }
    }

    private static void LstmBackwardKernel<T>(Tensor wsT, Tensor cxT, Tensor cyT, Tensor ghT, Tensor gcT, Tensor gGatesT, Tensor gcxT, int hidden)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        LstmBackwardRows<T>(wsT.AsSpan<T>(), cxT.AsSpan<T>(), cyT.AsSpan<T>(), ghT.AsSpan<T>(), gcT.AsSpan<T>(),
            gGatesT.AsSpan<T>(), gcxT.AsSpan<T>(), hidden, new T[hidden]);

    /// <summary>
    /// The LSTM step's backward over spans: from the activated gates <paramref name="ws"/>, c, c' and the
    /// incoming (gh', gc'), the pre-activation gate gradients into <paramref name="gGates"/> ([B, 4H]) and
    /// gc into <paramref name="gcx"/>; <paramref name="tcRow"/> is an H-long scratch row.
    /// </summary>
    internal static void LstmBackwardRows<T>(ReadOnlySpan<T> ws, ReadOnlySpan<T> cx, ReadOnlySpan<T> cy, ReadOnlySpan<T> gh, ReadOnlySpan<T> gc,
        Span<T> gGates, Span<T> gcx, int hidden, T[] tcRow)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int g4 = 4 * hidden, batch = cx.Length / hidden, width = Vector<T>.Count;
        var one = Vector<T>.One;
        for (int row = 0; row < batch; row++)
        {
            int r0 = row * hidden, w0 = row * g4;
            TensorPrimitives.Tanh(cy.Slice(r0, hidden), tcRow);
            int j = 0;
            for (; j <= hidden - width; j += width)
            {
                var i = new Vector<T>(ws.Slice(w0 + j));
                var f = new Vector<T>(ws.Slice(w0 + hidden + j));
                var g = new Vector<T>(ws.Slice(w0 + 2 * hidden + j));
                var o = new Vector<T>(ws.Slice(w0 + 3 * hidden + j));
                var tc = new Vector<T>(tcRow, j);
                var dh = new Vector<T>(gh.Slice(r0 + j));
                var dc = new Vector<T>(gc.Slice(r0 + j)) + dh * o * (one - tc * tc);
                (dc * g * i * (one - i)).CopyTo(gGates.Slice(w0 + j));
                (dc * new Vector<T>(cx.Slice(r0 + j)) * f * (one - f)).CopyTo(gGates.Slice(w0 + hidden + j));
                (dc * i * (one - g * g)).CopyTo(gGates.Slice(w0 + 2 * hidden + j));
                (dh * tc * o * (one - o)).CopyTo(gGates.Slice(w0 + 3 * hidden + j));
                (dc * f).CopyTo(gcx.Slice(r0 + j));
            }
            for (; j < hidden; j++)
            {
                T i = ws[w0 + j], f = ws[w0 + hidden + j], g = ws[w0 + 2 * hidden + j], o = ws[w0 + 3 * hidden + j];
                T tc = tcRow[j], dh = gh[r0 + j];
                T dc = gc[r0 + j] + dh * o * (T.One - tc * tc);
                gGates[w0 + j] = dc * g * i * (T.One - i);
                gGates[w0 + hidden + j] = dc * cx[r0 + j] * f * (T.One - f);
                gGates[w0 + 2 * hidden + j] = dc * i * (T.One - g * g);
                gGates[w0 + 3 * hidden + j] = dh * tc * o * (T.One - o);
                gcx[r0 + j] = dc * f;
            }
        }
    }

    private static void GruForward<T>(Tensor xT, Tensor hgT, Tensor hxT, Tensor? bT, Tensor wsT, Tensor hyT, int hidden)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        GruRows<T>(xT.AsSpan<T>(), hgT.AsSpan<T>(), hxT.AsSpan<T>(), bT is null ? default : bT.AsSpan<T>(), bT is not null,
            wsT.AsSpan<T>(), hyT.AsSpan<T>(), hidden);

    /// <summary>
    /// The GRU step's gate arithmetic over spans: r, z, n and h_n + b_n into <paramref name="ws"/>
    /// ([B, 4H]) and h' = (h − n)·z + n into <paramref name="hy"/>.
    /// </summary>
    internal static void GruRows<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> hg, ReadOnlySpan<T> hx, ReadOnlySpan<T> b, bool hasBias,
        Span<T> ws, Span<T> hy, int hidden)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int g3 = 3 * hidden, batch = hx.Length / hidden;
        for (int row = 0; row < batch; row++)
        {
            // Workspace row: [r | z | n | h_n + b_n]; the first two blocks and the last start as h + b.
            var w = ws.Slice(row * 4 * hidden, 4 * hidden);
            var hRow = hg.Slice(row * g3, g3);
            var xRow = x.Slice(row * g3, g3);
            var hs = w[..(2 * hidden)];
            var hn = w[(3 * hidden)..];
            if (!hasBias)
            {
                hRow[..(2 * hidden)].CopyTo(hs);
                hRow[(2 * hidden)..].CopyTo(hn);
            }
            else
            {
                TensorPrimitives.Add(hRow[..(2 * hidden)], b[..(2 * hidden)], hs);
                TensorPrimitives.Add(hRow[(2 * hidden)..], b[(2 * hidden)..], hn);
            }
            TensorPrimitives.Add(hs, xRow[..(2 * hidden)], hs);
            TensorPrimitives.Sigmoid(hs, hs);
            var r = w[..hidden];
            var z = w.Slice(hidden, hidden);
            var n = w.Slice(2 * hidden, hidden);
            TensorPrimitives.Multiply(hn, r, n);
            TensorPrimitives.Add(xRow[(2 * hidden)..], n, n);
            TensorPrimitives.Tanh(n, n);
            var h = hy.Slice(row * hidden, hidden);
            TensorPrimitives.Subtract(hx.Slice(row * hidden, hidden), n, h);
            TensorPrimitives.MultiplyAdd(h, z, n, h); // (h − n)·z + n
        }
    }

    private static void GruBackwardKernel<T>(Tensor wsT, Tensor hxT, Tensor ghT, Tensor gxT, Tensor ghgT, Tensor ghxT, int hidden)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        GruBackwardRows<T>(wsT.AsSpan<T>(), hxT.AsSpan<T>(), ghT.AsSpan<T>(), gxT.AsSpan<T>(), ghgT.AsSpan<T>(), ghxT.AsSpan<T>(), hidden);

    /// <summary>
    /// The GRU step's backward over spans: from the workspace <paramref name="ws"/> (r, z, n, h_n + b_n), h
    /// and the incoming gh', the gradients of the input gates into <paramref name="gx"/> and of the
    /// recurrent gates (whose n block is scaled by r) into <paramref name="ghg"/> ([B, 3H] each), and
    /// the direct part of gh, gh'·z, into <paramref name="ghx"/>.
    /// </summary>
    internal static void GruBackwardRows<T>(ReadOnlySpan<T> ws, ReadOnlySpan<T> hx, ReadOnlySpan<T> gh, Span<T> gx, Span<T> ghg, Span<T> ghx, int hidden)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int g3 = 3 * hidden, batch = hx.Length / hidden, width = Vector<T>.Count;
        var one = Vector<T>.One;
        for (int row = 0; row < batch; row++)
        {
            int r0 = row * hidden, w0 = row * 4 * hidden, o0 = row * g3;
            int j = 0;
            for (; j <= hidden - width; j += width)
            {
                var r = new Vector<T>(ws.Slice(w0 + j));
                var z = new Vector<T>(ws.Slice(w0 + hidden + j));
                var n = new Vector<T>(ws.Slice(w0 + 2 * hidden + j));
                var hn = new Vector<T>(ws.Slice(w0 + 3 * hidden + j));
                var dh = new Vector<T>(gh.Slice(r0 + j));
                var dz = dh * (new Vector<T>(hx.Slice(r0 + j)) - n) * z * (one - z);
                var dn = dh * (one - z) * (one - n * n);
                var dr = dn * hn * r * (one - r);
                dr.CopyTo(gx.Slice(o0 + j));
                dz.CopyTo(gx.Slice(o0 + hidden + j));
                dn.CopyTo(gx.Slice(o0 + 2 * hidden + j));
                dr.CopyTo(ghg.Slice(o0 + j));
                dz.CopyTo(ghg.Slice(o0 + hidden + j));
                (dn * r).CopyTo(ghg.Slice(o0 + 2 * hidden + j));
                (dh * z).CopyTo(ghx.Slice(r0 + j));
            }
            for (; j < hidden; j++)
            {
                T r = ws[w0 + j], z = ws[w0 + hidden + j], n = ws[w0 + 2 * hidden + j], hn = ws[w0 + 3 * hidden + j];
                T dh = gh[r0 + j];
                T dz = dh * (hx[r0 + j] - n) * z * (T.One - z);
                T dn = dh * (T.One - z) * (T.One - n * n);
                T dr = dn * hn * r * (T.One - r);
                gx[o0 + j] = ghg[o0 + j] = dr;
                gx[o0 + hidden + j] = ghg[o0 + hidden + j] = dz;
                gx[o0 + 2 * hidden + j] = dn;
                ghg[o0 + 2 * hidden + j] = dn * r;
                ghx[r0 + j] = dh * z;
            }
        }
    }
}
