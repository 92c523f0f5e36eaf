using Ember.Graph;
using Ember.NN;

namespace Ember;

// The fused recurrent cells (Ember.NN.FusedCells): their backward is a hand-written kernel, or, under
// createGraph, the same formulas in recorded tensor ops recomputed from the saved inputs.
internal static partial class Derivatives
{
    /// <summary>(h', c') = fused LSTM gates (inputs xGates, hGates, c, b_hh; saved: xGates, hGates, c, workspace, c', [b_hh]; state: whether b_hh is there).</summary>
    public static readonly Rule FusedLstmCell = new("ThnnFusedLstmCellBackward0", static (c, g) =>
        FusedCells.LstmBackward(c, g, hasBias: c.State<bool>()));

    /// <summary>h' = fused GRU gates (inputs xGates, hGates, h, b_hh; saved: xGates, hGates, h, workspace, [b_hh]; state: whether b_hh is there).</summary>
    public static readonly Rule FusedGruCell = new("ThnnFusedGruCellBackward0", static (c, g) =>
        FusedCells.GruBackward(c, g, hasBias: c.State<bool>()));

    /// <summary>
    /// One direction of one LSTM layer over a sequence (Ember.NN.FusedLstmLayer; inputs proj, h0, c0, W_hh, b_hh;
    /// outputs the outputs, h_n, c_n). PyTorch's CPU path records per-step nodes instead; oneDNN's fused
    /// RNN, which PyTorch uses where it can, is the model.
    /// </summary>
    public static readonly Rule FusedLstmLayer = new("FusedLstmLayerBackward", static (c, g) =>
        NN.FusedLstmLayer.Backward(c, g));

    /// <summary>
    /// One direction of one GRU layer over a sequence (Ember.NN.FusedGruLayer; inputs proj, h0, W_hh, b_hh;
    /// outputs the outputs, h_n), as <see cref="FusedLstmLayer"/>.
    /// </summary>
    public static readonly Rule FusedGruLayer = new("FusedGruLayerBackward", static (c, g) =>
        NN.FusedGruLayer.Backward(c, g));

    /// <summary>
    /// One direction of one tanh or relu RNN layer over a sequence (Ember.NN.FusedRnnLayer; inputs proj, h0,
    /// W_hh, b_hh; outputs the outputs, h_n), as <see cref="FusedLstmLayer"/>.
    /// </summary>
    public static readonly Rule FusedRnnLayer = new("FusedRnnLayerBackward", static (c, g) =>
        NN.FusedRnnLayer.Backward(c, g));
}
