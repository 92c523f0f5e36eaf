namespace Ember.Distributions;

// The matrix constraints (constraints.lower_cholesky, positive_definite, corr_cholesky), judged one
// (…, n, n) matrix at a time as PyTorch 1.13 does.
public abstract partial class Constraint
{
    /// <summary>Lower-triangular matrices with a positive diagonal (<c>constraints.lower_cholesky</c>).</summary>
    public static Constraint LowerCholesky { get; } = new Matrix("LowerCholesky()", IsLowerCholesky);

    /// <summary>Symmetric positive-definite matrices (<c>constraints.positive_definite</c>): symmetric within 1e-6, and a Cholesky factorization succeeds.</summary>
    public static Constraint PositiveDefinite { get; } = new Matrix("PositiveDefinite()", v =>
    {
        var sym = ((v - v.MT).Abs() <= 1e-6 + 1e-5 * v.MT.Abs()).Reshape([.. v.Shape.ToArray()[..^2], -1]).All(-1);
        if (!sym.All().Item<bool>()) return sym;
        return CholeskySucceeds(v);
    });

    /// <summary>Lower Cholesky factors of correlation matrices: lower Cholesky with rows of unit norm (<c>constraints.corr_cholesky</c>).</summary>
    public static Constraint CorrCholesky { get; } = new Matrix("CorrCholesky()", v =>
    {
        double tol = Tensor.FInfo(v.DType).Eps * v.Shape[^1] * 10;
        var rowNorm = v.Detach().Pow(2).Sum(-1).Sqrt();
        var unit = ((rowNorm - 1.0).Abs() <= tol).All(-1);
        return IsLowerCholesky(v).LogicalAnd(unit);
    });

    private static Tensor IsLowerCholesky(Tensor v) =>
        v.Tril().Eq(v).Reshape([.. v.Shape.ToArray()[..^2], -1]).All(-1).LogicalAnd((TriangularAlgebra.Diagonal(v) > 0.0).All(-1));

    // cholesky_ex(value).info == 0, matrix by matrix, in double.
    private static Tensor CholeskySucceeds(Tensor v)
    {
        int n = v.Shape[^1];
        int[] batch = v.Shape.ToArray()[..^2];
        double[] a = v.Detach().Contiguous().To(DType.Float64).ToArray<double>();
        int count = a.Length / Math.Max(1, n * n);
        var ok = new bool[count];
        var l = new double[n * n];
        for (int b = 0; b < count; b++)
        {
            int off = b * n * n;
            bool good = true;
            for (int j = 0; j < n && good; j++)
            {
                double s = a[off + j * n + j];
                for (int k = 0; k < j; k++) s -= l[j * n + k] * l[j * n + k];
                if (!(s > 0)) { good = false; break; }
                l[j * n + j] = Math.Sqrt(s);
                for (int i = j + 1; i < n; i++)
                {
                    double t = a[off + i * n + j];
                    for (int k = 0; k < j; k++) t -= l[i * n + k] * l[j * n + k];
                    l[i * n + j] = t / l[j * n + j];
                }
            }
            ok[b] = good;
        }
        return Tensor.From<bool>(ok, batch, v.Device);
    }

    private sealed class Matrix(string name, Func<Tensor, Tensor> check) : Constraint
    {
        public override int EventDim => 2;
        public override Tensor Check(Tensor value) => check(value);
        public override string ToString() => name;
    }
}
