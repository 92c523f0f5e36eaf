using Ember.Jit;
namespace Ember;

// Matrix products: matmul and its fixed-rank forms. All of them lower to the backend's single
// batched MatMul primitive over layouts (1-D operands become 1-row / 1-column views, broadcast batch
// dims become stride-0 dims), so no operand is copied before the kernel packs it.
public partial class Tensor
{
    /// <summary>
    /// Matrix product of this tensor and <paramref name="other"/> with PyTorch's rules
    /// (<c>torch.matmul</c>, <c>x @ w</c>); see <see cref="MatMul(Tensor, Tensor)"/>.
    /// </summary>
    public Tensor MatMul(Tensor other) => MatMul(this, other);

    /// <summary>
    /// Matrix product with PyTorch's rules (<c>torch.matmul(a, b)</c>, <c>a @ b</c>):
    /// 1-D · 1-D is the dot product (a 0-d tensor); 2-D · 2-D the matrix product; a 1-D first operand
    /// is treated as a row vector and a 1-D second operand as a column vector, and the added dimension
    /// is removed from the result; with more than two dimensions the leading (batch) dimensions
    /// broadcast, e.g. [j, 1, n, m] · [k, m, p] gives [j, k, n, p].
    /// As in PyTorch, the operands must have the same dtype (no type promotion) and bool is not supported.
    /// </summary>
    /// <exception cref="ArgumentException">An operand is 0-d, the inner sizes differ, the batch
    /// dimensions do not broadcast, the dtypes differ, or the devices differ.</exception>
    /// <exception cref="NotSupportedException">The operands are bool.</exception>
    public static Tensor MatMul(Tensor a, Tensor b)
    {
        const string op = "matmul";
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (Tracer.IsActive) return Tracer.Record("aten::matmul", [a, b], null, static (x, _) => [MatMul(x[0]!, x[1]!)]);
        if (a.NDim == 0 || b.NDim == 0)
            throw new ArgumentException($"{op}: both arguments need to be at least 1-D, but got shapes {a.Shape} ({a.NDim}-D) and {b.Shape} ({b.NDim}-D).");
        CheckMatMulOperands(a, b, op, "operands");
        int[] sa = a.Layout.Shape, sb = b.Layout.Shape;
        int k = sa[^1];
        int kb = sb.Length == 1 ? sb[0] : sb[^2];
        if (k != kb)
            throw new ArgumentException($"{op}: shapes {a.Shape} and {b.Shape} cannot be multiplied ({k} != {kb}).");
        int m = sa.Length == 1 ? 1 : sa[^2];
        int n = sb.Length == 1 ? 1 : sb[^1];
        int[] batch = BroadcastBatch(sa, sb, op);
        // [.., m, k] · [k, n] folds the leading dims into the rows, as PyTorch's matmul does: one
        // [rows, k] · [k, n] product instead of one per batch element (which packs B again for each and,
        // in the backward, builds a [batch.., k, n] gradient for the engine to sum). PyTorch's node
        // names follow: UnsafeViewBackward0 above MmBackward0.
        if (sa.Length >= 3 && sb.Length == 2)
        {
            int rows = 1;
            for (int d = 0; d < sa.Length - 1; d++) rows *= sa[d];
            var flat = Mm(a.Reshape(rows, k), b);
            var folded = new Tensor(flat.Storage, Layout.Contiguous([.. sa[..^1], n]));
            if (Autograd.Recording(flat)) Derivatives.UnsafeView.Record(folded, [flat]);
            return folded;
        }
        var outShape = new List<int>(batch);
        if (sa.Length > 1) outShape.Add(m);
        if (sb.Length > 1) outShape.Add(n);
        // 1-D operands become [1, K] and [K, 1] views; the result is allocated with the 1-sized dims
        // dropped and viewed with them put back, which is the same contiguous memory.
        var al = sa.Length == 1 ? a.Layout.Unsqueeze(0) : a.Layout;
        var bl = sb.Length == 1 ? b.Layout.Unsqueeze(1) : b.Layout;
        var r = RunMatMul(a, al, b, bl, batch, m, k, n, outShape.ToArray(), op);
        if (Autograd.Recording(a, b))
        {
            // The forms PyTorch dispatches straight to dot / mv / mm get their node names; the rest
            // (1-D first operand, batched) one rule that handles vectors and broadcast batch dims.
            var rule = (sa.Length, sb.Length) switch
            {
                (1, 1) => Derivatives.Dot,
                (2, 1) => Derivatives.Mv,
                (2, 2) => Derivatives.Mm,
                _ => Derivatives.MatMul,
            };
            rule.Record(r, [a, b], saved: [a, b]);
        }
        return r;
    }

    /// <summary>Matrix product of two 2-D tensors, [n, m] · [m, p] = [n, p] (<c>torch.mm</c>); no broadcasting.</summary>
    /// <exception cref="ArgumentException">An operand is not 2-D, the inner sizes differ, or the dtypes or devices differ.</exception>
    public static Tensor Mm(Tensor a, Tensor b)
    {
        const string op = "mm";
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.NDim != 2 || b.NDim != 2)
            throw new ArgumentException($"{op}: expected two 2-D tensors, but got shapes {a.Shape} ({a.NDim}-D) and {b.Shape} ({b.NDim}-D).");
        CheckMatMulOperands(a, b, op, "operands");
        CheckInner(a, b, a.Layout.Shape[1], b.Layout.Shape[0], op);
        var r = RunMatMul(a, a.Layout, b, b.Layout, [], a.Layout.Shape[0], a.Layout.Shape[1], b.Layout.Shape[1],
            [a.Layout.Shape[0], b.Layout.Shape[1]], op);
        if (Autograd.Recording(a, b)) Derivatives.Mm.Record(r, [a, b], saved: [a, b]);
        return r;
    }

    /// <summary>
    /// x·Wᵀ + b for 2-D x [n, in], W [out, in] and b [out], as one product whose bias is added to each
    /// output tile as the GEMM completes it (PyTorch's addmm for a linear layer): no second pass over the
    /// [n, out] result and no temporary. Rounds as the product then the add. Callers check shapes,
    /// dtypes and devices (<see cref="NN.F.Linear"/>).
    /// </summary>
    internal static Tensor Addmm(Tensor bias, Tensor x, Tensor weight)
    {
        const string op = "addmm";
        var b = bias.Contiguous();
        var wt = weight.T;
        int n = x.Layout.Shape[0], k = x.Layout.Shape[1], outF = weight.Layout.Shape[0];
        var r = Alloc([n, outF], x.DType, x.Device, uninitialized: true, op);
        x.Backend.MatMul(x.Storage, x.Layout, wt.Storage, wt.Layout, r.Storage, r.Layout, b.Storage, b.Layout.Offset);
        if (Autograd.Recording([bias, x, weight])) Derivatives.Addmm.Record(r, [bias, x, weight], saved: [x, weight]);
        return r;
    }

    /// <summary>Matrix product with <paramref name="other"/>, both 2-D (<c>x.mm(other)</c>).</summary>
    public Tensor Mm(Tensor other) => Mm(this, other);

    /// <summary>
    /// Batched matrix product of two 3-D tensors with the same batch size, [b, n, m] · [b, m, p] =
    /// [b, n, p] (<c>torch.bmm</c>). Unlike <see cref="MatMul(Tensor, Tensor)"/> the batch size does not broadcast.
    /// </summary>
    /// <exception cref="ArgumentException">An operand is not 3-D, the batch or inner sizes differ, or the dtypes or devices differ.</exception>
    public static Tensor Bmm(Tensor a, Tensor b)
    {
        const string op = "bmm";
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (Tracer.IsActive) return Tracer.Record("aten::bmm", [a, b], null, static (x, _) => [Bmm(x[0]!, x[1]!)]);
        if (a.NDim != 3 || b.NDim != 3)
            throw new ArgumentException($"{op}: expected two 3-D tensors, but got shapes {a.Shape} ({a.NDim}-D) and {b.Shape} ({b.NDim}-D).");
        CheckMatMulOperands(a, b, op, "operands");
        int[] sa = a.Layout.Shape, sb = b.Layout.Shape;
        if (sa[0] != sb[0])
            throw new ArgumentException($"{op}: batch sizes differ: shapes {a.Shape} and {b.Shape} ({sa[0]} != {sb[0]}).");
        CheckInner(a, b, sa[2], sb[1], op);
        var r = RunMatMul(a, a.Layout, b, b.Layout, [sa[0]], sa[1], sa[2], sb[2], [sa[0], sa[1], sb[2]], op);
        if (Autograd.Recording(a, b)) Derivatives.Bmm.Record(r, [a, b], saved: [a, b]);
        return r;
    }

    /// <summary>Batched matrix product with <paramref name="other"/>, both 3-D (<c>x.bmm(other)</c>).</summary>
    public Tensor Bmm(Tensor other) => Bmm(this, other);

    /// <summary>Matrix-vector product, [n, m] · [m] = [n] (<c>torch.mv</c>).</summary>
    /// <exception cref="ArgumentException">The first operand is not 2-D or the second not 1-D, the sizes differ, or the dtypes or devices differ.</exception>
    public static Tensor Mv(Tensor matrix, Tensor vector)
    {
        const string op = "mv";
        ArgumentNullException.ThrowIfNull(matrix);
        ArgumentNullException.ThrowIfNull(vector);
        if (matrix.NDim != 2 || vector.NDim != 1)
            throw new ArgumentException($"{op}: expected a 2-D matrix and a 1-D vector, but got shapes {matrix.Shape} ({matrix.NDim}-D) and {vector.Shape} ({vector.NDim}-D).");
        CheckMatMulOperands(matrix, vector, op, "operands");
        CheckInner(matrix, vector, matrix.Layout.Shape[1], vector.Layout.Shape[0], op);
        var r = RunMatMul(matrix, matrix.Layout, vector, vector.Layout.Unsqueeze(1), [], matrix.Layout.Shape[0],
            matrix.Layout.Shape[1], 1, [matrix.Layout.Shape[0]], op);
        if (Autograd.Recording(matrix, vector)) Derivatives.Mv.Record(r, [matrix, vector], saved: [matrix, vector]);
        return r;
    }

    /// <summary>This matrix times <paramref name="vector"/> (<c>x.mv(vector)</c>).</summary>
    public Tensor Mv(Tensor vector) => Mv(this, vector);

    /// <summary>Dot product of two 1-D tensors of the same length, as a 0-d tensor (<c>torch.dot</c>).</summary>
    /// <exception cref="ArgumentException">An operand is not 1-D, the lengths differ, or the dtypes or devices differ.</exception>
    public static Tensor Dot(Tensor a, Tensor b)
    {
        const string op = "dot";
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.NDim != 1 || b.NDim != 1)
            throw new ArgumentException($"{op}: expected two 1-D tensors, but got shapes {a.Shape} ({a.NDim}-D) and {b.Shape} ({b.NDim}-D).");
        CheckMatMulOperands(a, b, op, "vectors");
        int k = a.Layout.Shape[0];
        if (k != b.Layout.Shape[0])
            throw new ArgumentException($"{op}: the vectors have different lengths: shapes {a.Shape} and {b.Shape} ({k} != {b.Layout.Shape[0]}).");
        var r = RunMatMul(a, a.Layout.Unsqueeze(0), b, b.Layout.Unsqueeze(1), [], 1, k, 1, [], op);
        if (Autograd.Recording(a, b)) Derivatives.Dot.Record(r, [a, b], saved: [a, b]);
        return r;
    }

    /// <summary>Dot product with another 1-D tensor (<c>x.dot(other)</c>).</summary>
    public Tensor Dot(Tensor other) => Dot(this, other);

    /// <summary>
    /// Outer product of two 1-D tensors, [n] ⊗ [m] = [n, m] (<c>torch.outer</c>). It is an
    /// elementwise product, so unlike the matrix products it promotes mixed dtypes and accepts bool.
    /// </summary>
    /// <exception cref="ArgumentException">An operand is not 1-D, or the devices differ.</exception>
    public static Tensor Outer(Tensor a, Tensor b)
    {
        const string op = "outer";
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.NDim != 1 || b.NDim != 1)
            throw new ArgumentException($"{op}: expected two 1-D tensors, but got shapes {a.Shape} ({a.NDim}-D) and {b.Shape} ({b.NDim}-D).");
        var r = BinaryOp(Backends.BinaryOp.Mul, a.WithLayout(a.Layout.Unsqueeze(1)), b.WithLayout(b.Layout.Unsqueeze(0)), op);
        if (Autograd.Recording(a, b)) Derivatives.Outer.Record(r, [a, b], saved: [a, b]);
        return r;
    }

    /// <summary>Outer product with another 1-D tensor (<c>x.outer(other)</c>).</summary>
    public Tensor Outer(Tensor other) => Outer(this, other);

    private static void CheckMatMulOperands(Tensor a, Tensor b, string op, string what)
    {
        CheckSameDevice(a, b, op);
        if (a.DType != b.DType)
            throw new ArgumentException(
                $"{op}: expected both {what} to have the same dtype, but got {a.DType.TorchName()} and {b.DType.TorchName()} " +
                $"(shapes {a.Shape} and {b.Shape}); {op} does not promote types, convert one operand with To(DType) first.");
        if (a.DType == DType.Bool)
            throw new NotSupportedException($"{op}: not implemented for torch.bool operands (shapes {a.Shape} and {b.Shape}); convert them to a numeric dtype first.");
    }

    private static void CheckInner(Tensor a, Tensor b, int ka, int kb, string op)
    {
        if (ka != kb)
            throw new ArgumentException($"{op}: shapes {a.Shape} and {b.Shape} cannot be multiplied ({ka} != {kb}).");
    }

    /// <summary>The broadcast of the batch (all but the last two) dims of two matmul operands.</summary>
    private static int[] BroadcastBatch(int[] sa, int[] sb, string op)
    {
        int ra = Math.Max(sa.Length - 2, 0), rb = Math.Max(sb.Length - 2, 0);
        int r = Math.Max(ra, rb);
        var s = new int[r];
        for (int i = 0; i < r; i++)
        {
            int da = i - (r - ra) >= 0 ? sa[i - (r - ra)] : 1;
            int db = i - (r - rb) >= 0 ? sb[i - (r - rb)] : 1;
            if (da != db && da != 1 && db != 1)
                throw new ArgumentException(
                    $"{op}: the batch dimensions of shapes {Ember.Shape.Format(sa)} and {Ember.Shape.Format(sb)} cannot be broadcast together: " +
                    $"{Ember.Shape.Format(sa.AsSpan(0, ra))} and {Ember.Shape.Format(sb.AsSpan(0, rb))} differ at batch dimension {i} ({da} != {db}).");
            s[i] = da == 1 ? db : da;
        }
        return s;
    }

    /// <summary>
    /// Runs the backend primitive on [..batch, M, K] · [..batch, K, N] given 2-D (or more) layouts of
    /// the operands, and returns the result allocated as <paramref name="outShape"/> (the same
    /// elements as [..batch, M, N]).
    /// </summary>
    private static Tensor RunMatMul(Tensor a, Layout al, Tensor b, Layout bl, int[] batch, int m, int k, int n, int[] outShape, string op)
    {
        int[] full = [.. batch, m, n];
        var result = Alloc(outShape, a.DType, a.Device, uninitialized: true, op);
        var cl = Layout.Contiguous(full);
        a.Backend.MatMul(a.Storage, al.BroadcastTo([.. batch, m, k]), b.Storage, bl.BroadcastTo([.. batch, k, n]), result.Storage, cl);
        return result;
    }
}
