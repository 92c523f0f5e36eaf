using Ember.NN;

namespace Ember.Distributions;

/// <summary>y = softmax(x) over the last dim (<c>SoftmaxTransform()</c>): not bijective; the inverse is the log.</summary>
public sealed class SoftmaxTransform : Transform
{
    /// <inheritdoc/>
    public override Constraint Domain => Constraint.RealVector;
    /// <inheritdoc/>
    public override Constraint Codomain => Constraint.Simplex;
    /// <inheritdoc/>
    public override bool Bijective => false;
    /// <inheritdoc/>
    public override Tensor Forward(Tensor x)
    {
        var probs = (x - x.Amax([-1], keepDim: true)).Exp();
        return probs / probs.Sum(-1, keepDim: true);
    }
    /// <inheritdoc/>
    public override Tensor Inverse(Tensor y) => y.Log();
}

/// <summary>
/// The stick-breaking map from K-1 reals to a K-simplex (<c>StickBreakingTransform()</c>): bijective,
/// with PyTorch's offsets so that zeros map to the uniform vector.
/// </summary>
public sealed class StickBreakingTransform : Transform
{
    /// <inheritdoc/>
    public override Constraint Domain => Constraint.RealVector;
    /// <inheritdoc/>
    public override Constraint Codomain => Constraint.Simplex;
    /// <inheritdoc/>
    public override Tensor Sign => 1.0;

    private static Tensor Offset(int n, int top, Tensor like) =>
        (top - Tensor.Ones([n], like.DType, like.Device).CumSum(-1)).Log();

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x)
    {
        int n = x.Shape[^1];
        var z = SigmoidTransform.ClippedSigmoid(x - Offset(n, n + 1, x));
        var zCumprod = (1 - z).CumProd(-1);
        int[] xs = x.Shape;
        int[] one = [.. xs[..^1], 1];
        var ones = Tensor.Ones(one, x.DType, x.Device);
        return Tensor.Cat([z, ones], -1) * Tensor.Cat([ones, zCumprod], -1);
    }

    /// <inheritdoc/>
    public override Tensor Inverse(Tensor y)
    {
        int k = y.Shape[^1];
        var yCrop = y.Narrow(-1, 0, k - 1);
        var sf = (1 - yCrop.CumSum(-1)).ClampMin(Tensor.FInfo(y.DType).Tiny);
        return yCrop.Log() - sf.Log() + Offset(k - 1, k, y);
    }

    /// <inheritdoc/>
    public override Tensor LogAbsDetJacobian(Tensor x, Tensor y)
    {
        int n = x.Shape[^1];
        x = x - Offset(n, n + 1, x);
        // 1 - sigmoid(x) = exp(-x) · sigmoid(x).
        return (-x - F.Softplus(-x) + y.Narrow(-1, 0, n).Log()).Sum(-1);
    }

    /// <inheritdoc/>
    public override int[] ForwardShape(int[] shape)
    {
        if (shape.Length < 1) throw new ArgumentException($"StickBreakingTransform: too few dimensions on input of shape {new Shape(shape)}.");
        return [.. shape[..^1], shape[^1] + 1];
    }

    /// <inheritdoc/>
    public override int[] InverseShape(int[] shape)
    {
        if (shape.Length < 1) throw new ArgumentException($"StickBreakingTransform: too few dimensions on input of shape {new Shape(shape)}.");
        return [.. shape[..^1], shape[^1] - 1];
    }
}
