namespace Ember.NN;

/// <summary>The cosine similarity along a dim (<c>nn.CosineSimilarity</c>); see <see cref="F.CosineSimilarity"/>. Call with (x1, x2).</summary>
/// <param name="dim">The dim compared (default 1).</param>
/// <param name="eps">The lower clamp of each norm (default 1e-8).</param>
public sealed class CosineSimilarity(int dim = 1, double eps = 1e-8) : Module<Tensor, Tensor, Tensor>
{
    /// <summary>The dim compared (<c>dim</c>).</summary>
    public int Dim { get; } = dim;
    /// <summary>The lower clamp of each norm (<c>eps</c>).</summary>
    public double Eps { get; } = eps;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input1, Tensor input2) => F.CosineSimilarity(input1, input2, Dim, Eps);
}

/// <summary>The p-norm distance between rows (<c>nn.PairwiseDistance</c>); see <see cref="F.PairwiseDistance"/>. Call with (x1, x2).</summary>
/// <param name="p">The norm order (default 2).</param>
/// <param name="eps">Added to the difference (default 1e-6).</param>
/// <param name="keepDim">Whether the last dim is kept, with size 1.</param>
public sealed class PairwiseDistance(double p = 2, double eps = 1e-6, bool keepDim = false) : Module<Tensor, Tensor, Tensor>
{
    /// <summary>The norm order (<c>norm</c>).</summary>
    public double P { get; } = p;
    /// <summary>Added to the difference (<c>eps</c>).</summary>
    public double Eps { get; } = eps;
    /// <summary>Whether the reduced dim is kept (<c>keepdim</c>).</summary>
    public bool KeepDim { get; } = keepDim;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input1, Tensor input2) => F.PairwiseDistance(input1, input2, P, Eps, KeepDim);
}
