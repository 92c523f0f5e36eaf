using Ember.Graph;

namespace Ember;

internal static partial class Derivatives
{
    /// <summary>
    /// F.LayerNorm on CPU float tensors as one node (inputs: input, weight, bias; saved: the contiguous input, each
    /// row's mean and rstd, weight, bias): PyTorch's NativeLayerNormBackward0 formulas (see Ember.NN.F's LayerNormBackward).
    /// </summary>
    public static readonly Rule LayerNorm = new("NativeLayerNormBackward0", static (c, g) => NN.F.LayerNormBackward(c, g));
}
