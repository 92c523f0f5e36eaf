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
}
