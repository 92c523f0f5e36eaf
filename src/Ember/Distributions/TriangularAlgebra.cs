namespace Ember.Distributions;

// The Cholesky factor and forward substitution MultivariateNormal needs, composed from differentiable
// tensor ops (a column or row at a time, batched over leading dims), so autograd differentiates them
// with no backward formulas of their own. Ember has no torch.linalg yet; these are O(n) tensor ops
// per call, meant for the small event sizes of distributions, not a general linear-algebra kernel.
internal static class TriangularAlgebra
{
    /// <summary>The lower Cholesky factor L of symmetric positive-definite A (…, n, n), A = L Lᵀ; null when a pivot is not positive.</summary>
    public static Tensor? TryCholesky(Tensor a)
    {
        int n = a.Shape[^1];
        var cols = new List<Tensor>(n);
        var rowIndex = Tensor.Arange(0, n);
        for (int j = 0; j < n; j++)
        {
            var v = a.Select(-1, j);                                   // column j of A: (…, n)
            if (j > 0)
            {
                var prev = Tensor.Stack(cols, -1);                     // L[…, :, :j]
                v = v - (prev * prev.Select(-2, j).Unsqueeze(-2)).Sum(-1);
            }
            var pivot = v.Select(-1, j);
            if (!(pivot.Detach() > 0.0).All().Item<bool>()) return null;
            var col = v / pivot.Sqrt().Unsqueeze(-1);
            cols.Add(Tensor.Where(rowIndex >= (long)j, col, 0.0));
        }
        return Tensor.Stack(cols, -1);
    }

    /// <summary>X with L X = B for lower-triangular L (…, n, n) and B (…, n, m), by forward substitution (<c>solve_triangular(L, B, upper=False)</c>).</summary>
    public static Tensor SolveLower(Tensor l, Tensor b)
    {
        int n = l.Shape[^1];
        var rows = new List<Tensor>(n);
        for (int i = 0; i < n; i++)
        {
            var r = b.Select(-2, i);                                   // (…, m)
            if (i > 0)
            {
                var solved = Tensor.Stack(rows, -2);                   // (…, i, m)
                r = r - (l.Select(-2, i).Narrow(-1, 0, i).Unsqueeze(-1) * solved).Sum(-2);
            }
            rows.Add(r / l.Select(-2, i).Select(-1, i).Unsqueeze(-1));
        }
        return Tensor.Stack(rows, -2);
    }

    /// <summary>The diagonal of (…, n, n) as (…, n).</summary>
    public static Tensor Diagonal(Tensor m)
    {
        int n = m.Shape[^1];
        return (m * Tensor.Eye(n, dtype: m.DType)).Sum(-1);
    }
}
