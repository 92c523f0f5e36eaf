using System.Globalization;
using Ember.NN;

namespace Ember;

/// <summary>
/// Assertions for tests of tensor code (<c>torch.testing</c>): <see cref="AssertClose"/> compares two
/// tensors with tolerances chosen by dtype and explains a mismatch the way PyTorch does.
/// </summary>
public static class Testing
{
    /// <summary>
    /// Checks that <paramref name="actual"/> and <paramref name="expected"/> have the same shape, device
    /// and (unless <paramref name="checkDtype"/> is false) dtype, and that every element is close:
    /// |actual − expected| ≤ atol + rtol·|expected| (<c>torch.testing.assert_close</c>). Without
    /// tolerances, PyTorch's defaults for the dtype apply: float32 rtol 1.3e-6, atol 1e-5; float64 1e-7 and
    /// 1e-7; integers and bool exact. NaNs match only with <paramref name="equalNan"/>.
    /// </summary>
    /// <exception cref="TensorAssertionException">The tensors differ; the message says where and by how much.</exception>
    /// <exception cref="ArgumentException">Only one of <paramref name="rtol"/> and <paramref name="atol"/> is given.</exception>
    public static void AssertClose(Tensor actual, Tensor expected, double? rtol = null, double? atol = null,
        bool equalNan = false, bool checkDevice = true, bool checkDtype = true, string? msg = null)
    {
        ArgumentNullException.ThrowIfNull(actual);
        ArgumentNullException.ThrowIfNull(expected);
        if (rtol.HasValue != atol.HasValue)
            throw new ArgumentException($"assert_close: both 'rtol' and 'atol' must be either specified or omitted, but got no {(rtol.HasValue ? "atol" : "rtol")}.");
        if (!actual.Layout.Shape.AsSpan().SequenceEqual(expected.Layout.Shape))
            Fail(msg, $"The values for attribute 'shape' do not match: {TorchSize(actual)} != {TorchSize(expected)}.");
        if (checkDevice && actual.Device != expected.Device)
            Fail(msg, $"The values for attribute 'device' do not match: {actual.Device} != {expected.Device}.");
        if (checkDtype && actual.DType != expected.DType)
            Fail(msg, $"The values for attribute 'dtype' do not match: {actual.DType.TorchName()} != {expected.DType.TorchName()}.");

        using var _ = Autograd.NoGrad();
        var a = actual.Detach();
        var e = expected.Detach();
        if (a.Device != e.Device) a = a.To(e.Device);
        if (a.DType != e.DType)
        {
            var common = DTypes.Promote(a.DType, e.DType);
            a = a.To(common);
            e = e.To(common);
        }
        var (r, t) = rtol.HasValue ? (rtol.Value, atol!.Value) : DefaultTolerances(actual.DType, expected.DType);
        // Compared in the widest dtype of the category, as PyTorch does: float64 for floats, int64 otherwise.
        var wide = a.DType.IsFloatingPoint() ? DType.Float64 : DType.Int64;
        a = a.To(wide);
        e = e.To(wide);
        var matches = Tensor.IsClose(a, e, r, t, equalNan);
        if (matches.All().Item<bool>()) return;
        Fail(msg, a.NDim == 0 ? ScalarMessage(a, e, r, t) : TensorMessage(a, e, matches, r, t));
    }

    /// <summary>PyTorch's default (rtol, atol) for comparing tensors of these dtypes: the loosest of the two.</summary>
    public static (double Rtol, double Atol) DefaultTolerances(DType actual, DType expected)
    {
        static (double, double) Of(DType d) => d switch
        {
            DType.Float32 => (1.3e-6, 1e-5),
            DType.Float64 => (1e-7, 1e-7),
            _ => (0, 0),
        };
        var (r1, a1) = Of(actual);
        var (r2, a2) = Of(expected);
        return (Math.Max(r1, r2), Math.Max(a1, a2));
    }

    private static string TensorMessage(Tensor a, Tensor e, Tensor matches, double rtol, double atol)
    {
        long total = a.Numel();
        var mismatch = matches.LogicalNot().Flatten();
        long count = mismatch.Sum().Item<long>();
        var aFlat = a.Flatten();
        var eFlat = e.Flatten();
        var absDiff = Tensor.Sub(aFlat, eFlat).Abs().MaskedFill(mismatch.LogicalNot(), 0);
        var (absMax, absIdx) = MaxAndIndex(absDiff);
        // An integer difference divided by an integer is a default-float division, as in Python.
        var relDiff = absDiff.Div(eFlat.Abs()).MaskedFill(mismatch.LogicalNot(), 0);
        var (relMax, relIdx) = MaxAndIndex(relDiff);
        string pct = (count / (double)total).ToString("P1", PercentFormat);
        return Header(rtol, atol)
            + $"Mismatched elements: {count} / {total} ({pct})\n"
            + DiffLine("Greatest absolute difference", absDiff.DType, absMax, Index(a, absIdx), atol, rtol, atol)
            + DiffLine("Greatest relative difference", relDiff.DType, relMax, Index(a, relIdx), rtol, rtol, atol).TrimEnd('\n');
    }

    private static string ScalarMessage(Tensor a, Tensor e, double rtol, double atol)
    {
        var absDiff = Tensor.Sub(a, e).Abs();
        double abs = absDiff.ToDouble(), exp = e.ToDouble();
        double rel = exp == 0 ? double.PositiveInfinity : abs / Math.Abs(exp);
        return Header(rtol, atol)
            + DiffLine("Absolute difference", absDiff.DType, abs, null, atol, rtol, atol)
            + DiffLine("Relative difference", DType.Float64, rel, null, rtol, rtol, atol).TrimEnd('\n');
    }

    private static string Header(double rtol, double atol) =>
        rtol == 0 && atol == 0 ? "Tensor-likes are not equal!\n\n" : "Tensor-likes are not close!\n\n";

    private static string DiffLine(string what, DType dtype, double value, string? index, double tol, double rtol, double atol)
    {
        string v = dtype.IsFloatingPoint() ? PyRepr.Float(value) : ((long)value).ToString(CultureInfo.InvariantCulture);
        string line = index is null ? $"{what}: {v}" : $"{what}: {v} at index {index}";
        if (!(rtol == 0 && atol == 0)) line += $" (up to {PyRepr.Float(tol)} allowed)";
        return line + "\n";
    }

    // torch.max over a flat tensor: the largest value (NaN wins) and the first index holding it.
    private static (double Value, long Index) MaxAndIndex(Tensor flat)
    {
        var (values, indices) = flat.Max(0);
        return (values.ToDouble(), indices.ToInt64());
    }

    private static string Index(Tensor shaped, long flat)
    {
        var shape = shaped.Layout.Shape;
        var idx = new int[shape.Length];
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            idx[d] = (int)(flat % shape[d]);
            flat /= shape[d];
        }
        return PyRepr.Tuple(idx);
    }

    private static string TorchSize(Tensor t) => $"torch.Size([{string.Join(", ", t.Layout.Shape)}])";

    private static readonly NumberFormatInfo PercentFormat = new() { PercentPositivePattern = 1, PercentDecimalDigits = 1 };

    private static void Fail(string? msg, string explanation) =>
        throw new TensorAssertionException(msg ?? explanation);
}

/// <summary>Thrown by <see cref="Testing.AssertClose"/> when two tensors differ (PyTorch raises <c>AssertionError</c>).</summary>
public sealed class TensorAssertionException : Exception
{
    /// <summary>Creates the exception with its explanation.</summary>
    public TensorAssertionException(string message) : base(message) { }
}
