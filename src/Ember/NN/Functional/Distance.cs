namespace Ember.NN;

// The distance functions of torch.nn (nn.CosineSimilarity, nn.PairwiseDistance), composed from
// differentiable reductions in the form of PyTorch 1.13's ATen code.
public static partial class F
{
    /// <summary>
    /// The cosine similarity of <paramref name="x1"/> and <paramref name="x2"/> along
    /// <paramref name="dim"/> (<c>F.cosine_similarity</c>), with the two broadcast together first.
    /// As PyTorch 1.13 computes it, each input is divided by its own 2-norm clamped below at
    /// <paramref name="eps"/>, and the products summed: Σ (x1 / max(‖x1‖, eps)) (x2 / max(‖x2‖, eps)).
    /// Below eps the gradient through the norm is PyTorch's too (x / eps). Mixed float32/float64 inputs compute in float64.
    /// </summary>
    /// <exception cref="ArgumentException">The common dtype is not floating point, the shapes do not broadcast, or the dim is out of range.</exception>
    public static Tensor CosineSimilarity(Tensor x1, Tensor x2, int dim = 1, double eps = 1e-8)
    {
        const string op = "cosine_similarity";
        ArgumentNullException.ThrowIfNull(x1);
        ArgumentNullException.ThrowIfNull(x2);
        var t = TypePromotion.ResultType([x1, x2]);
        if (!t.IsFloatingPoint())
            throw new ArgumentException($"{op}: expected common dtype to be floating point, yet common dtype is {t.TorchName()} (inputs {x1.DType.TorchName()} {x1.Shape} and {x2.DType.TorchName()} {x2.Shape}).");
        var shape = Dims.Broadcast(x1.Shape.AsSpan(), x2.Shape.AsSpan(), op);
        var a = (x1.DType == t ? x1 : x1.To(t)).Expand(shape);
        var b = (x2.DType == t ? x2 : x2.To(t)).Expand(shape);
        int d = Dims.Wrap(dim, shape.Length, op);
        var n1 = ClampedNorm(a, d, eps);
        var n2 = ClampedNorm(b, d, eps);
        return (a / n1 * (b / n2)).Sum(d);
    }

    /// <summary>
    /// The 2-norm over <paramref name="dim"/> (kept), clamped below at <paramref name="eps"/> as PyTorch
    /// 1.13's cosine_similarity does it: in place under no_grad, on the norm's own output, which its
    /// backward then reads. So where the norm is below eps the value is eps and the gradient
    /// x / eps (not 0, and not x / ‖x‖): here eps + (q - q.detach()) with q = Σx² / (2 eps).
    /// </summary>
    private static Tensor ClampedNorm(Tensor x, int dim, double eps)
    {
        var n = x.Norm(2, dim, keepDim: true);
        var q = (x * x).Sum(dim, keepDim: true) / (2 * eps);
        return Tensor.Where(n.Detach() < eps, q - q.Detach() + eps, n);
    }

    /// <summary>
    /// The p-norm distance between the rows of <paramref name="x1"/> and <paramref name="x2"/>
    /// (<c>F.pairwise_distance</c>): ‖x1 - x2 + eps‖_p over the last dim of their broadcast shape,
    /// as PyTorch computes it (eps keeps the gradient finite where the two are equal). p may be any
    /// norm order <see cref="Tensor.Norm(double, int, bool)"/> accepts, including infinity.
    /// </summary>
    /// <exception cref="ArgumentException">The inputs are not floating point or their shapes do not broadcast.</exception>
    public static Tensor PairwiseDistance(Tensor x1, Tensor x2, double p = 2, double eps = 1e-6, bool keepDim = false)
    {
        const string op = "pairwise_distance";
        ArgumentNullException.ThrowIfNull(x1);
        ArgumentNullException.ThrowIfNull(x2);
        CheckFloatingInput(x1, op);
        CheckFloatingInput(x2, op);
        var shape = Dims.Broadcast(x1.Shape.AsSpan(), x2.Shape.AsSpan(), op);
        return (x1 - x2 + eps).Norm(p, shape.Length == 0 ? 0 : shape.Length - 1, keepDim);
    }
}
