using System.Diagnostics.CodeAnalysis;

namespace Ember.NN;

// Structured random initialisers: (semi-)orthogonal matrices and sparse columns.
public static partial class Init
{
    /// <summary>
    /// Fills with a (semi-)orthogonal matrix (<c>nn.init.orthogonal_</c>, Saxe et al. 2013), times
    /// <paramref name="gain"/>. Dimensions after the first are flattened. As PyTorch: a rows×cols matrix
    /// of standard normals is drawn, transposed when it is wide, factored as QR, and Q's columns are
    /// multiplied by the signs of R's diagonal. The QR here runs in float64 with Householder
    /// reflections, while PyTorch calls LAPACK in the tensor's own dtype, so float32 results agree with
    /// PyTorch to rounding (about 1e-6), not bit for bit.
    /// </summary>
    /// <exception cref="ArgumentException">The tensor has fewer than 2 dimensions.</exception>
    public static Tensor Orthogonal_([NotNull] Tensor? tensor, double gain = 1, Generator? generator = null)
    {
        RequireTensor(tensor);
        if (tensor.NDim < 2) throw new ArgumentException($"Only tensors with 2 or more dimensions are supported (orthogonal_ got shape {tensor.Shape})");
        if (tensor.Numel() == 0) return tensor;
        int rows = tensor.Shape[0];
        int cols = (int)(tensor.Numel() / rows);
        using var _ = Autograd.NoGrad();
        var flat = Tensor.Empty([rows, cols], tensor.DType, tensor.Device).Normal_(0, 1, generator);
        bool wide = rows < cols;
        // QR of the tall matrix (m >= n): the flattened draw, or its transpose when it is wide.
        int m = wide ? cols : rows, n = wide ? rows : cols;
        double[] drawn = flat.ToArray<double>();
        var a = new double[m, n];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
                if (wide) a[j, i] = drawn[i * cols + j]; else a[i, j] = drawn[i * cols + j];
        double[,] q = OrthonormalColumns(a);
        var result = new double[rows * cols];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
                if (wide) result[j * cols + i] = q[i, j]; else result[i * cols + j] = q[i, j];
        var qt = Tensor.From<double>(result, [rows, cols], tensor.Device).To(tensor.DType);
        tensor.Copy_(qt.View(tensor.Shape));
        tensor.Mul_(gain);
        return tensor;
    }

    // The Q of A = QR (A is m x n, m >= n) with each column multiplied by the sign of R's diagonal
    // entry, which makes the result independent of the QR method: it is the Q whose R has a positive
    // diagonal (a zero diagonal entry zeroes its column, as torch.sign(0) = 0 does in PyTorch).
    private static double[,] OrthonormalColumns(double[,] a)
    {
        int m = a.GetLength(0), n = a.GetLength(1);
        var vs = new double[n][];
        var rDiag = new double[n];
        for (int k = 0; k < n; k++)
        {
            // Householder reflection H = I - 2 v v^T / (v^T v) taking A[k:, k] to alpha e_1.
            double norm = 0;
            for (int i = k; i < m; i++) norm += a[i, k] * a[i, k];
            norm = Math.Sqrt(norm);
            double alpha = a[k, k] > 0 ? -norm : norm;
            var v = new double[m - k];
            for (int i = k; i < m; i++) v[i - k] = a[i, k];
            v[0] -= alpha;
            double vv = 0;
            foreach (double x in v) vv += x * x;
            rDiag[k] = alpha;
            if (vv == 0) { vs[k] = v; continue; } // the column is already alpha e_1: H = I
            for (int j = k; j < n; j++)
            {
                double dot = 0;
                for (int i = k; i < m; i++) dot += v[i - k] * a[i, j];
                double f = 2 * dot / vv;
                for (int i = k; i < m; i++) a[i, j] -= f * v[i - k];
            }
            for (int i = 0; i < v.Length; i++) v[i] /= Math.Sqrt(vv);
            vs[k] = v;
        }
        // Q = H_0 H_1 ... H_{n-1} applied to the first n columns of the identity, from the last reflection back.
        var q = new double[m, n];
        for (int j = 0; j < n; j++) q[j, j] = 1;
        for (int k = n - 1; k >= 0; k--)
        {
            var v = vs[k];
            bool identity = true;
            foreach (double x in v) if (x != 0) { identity = false; break; }
            if (identity) continue;
            for (int j = 0; j < n; j++)
            {
                double dot = 0;
                for (int i = k; i < m; i++) dot += v[i - k] * q[i, j];
                for (int i = k; i < m; i++) q[i, j] -= 2 * dot * v[i - k];
            }
        }
        for (int j = 0; j < n; j++)
        {
            double s = Math.Sign(rDiag[j]);
            for (int i = 0; i < m; i++) q[i, j] *= s;
        }
        return q;
    }

    /// <summary>
    /// Fills a 2-D tensor as a sparse matrix (<c>nn.init.sparse_</c>, Martens 2010): normal values with
    /// standard deviation <paramref name="std"/>, then in each column ceil(<paramref name="sparsity"/> · rows)
    /// entries, picked by a random permutation per column (drawn in PyTorch's order), set to zero.
    /// </summary>
    /// <exception cref="ArgumentException">The tensor is not 2-D.</exception>
    public static Tensor Sparse_([NotNull] Tensor? tensor, double sparsity, double std = 0.01, Generator? generator = null)
    {
        RequireTensor(tensor);
        if (tensor.NDim != 2) throw new ArgumentException($"Only tensors with 2 dimensions are supported (sparse_ got shape {tensor.Shape})");
        int rows = tensor.Shape[0], cols = tensor.Shape[1];
        int numZeros = (int)Math.Ceiling(sparsity * rows);
        using var _ = Autograd.NoGrad();
        tensor.Normal_(0, std, generator);
        var zero = new bool[rows * cols];
        for (int c = 0; c < cols; c++)
        {
            long[] perm = Tensor.RandPerm(rows, generator).ToArray<long>();
            for (int k = 0; k < Math.Min(numZeros, rows); k++) zero[perm[k] * cols + c] = true;
        }
        return tensor.Copy_(Tensor.Where(Tensor.From<bool>(zero, [rows, cols], tensor.Device), 0.0, tensor));
    }
}
