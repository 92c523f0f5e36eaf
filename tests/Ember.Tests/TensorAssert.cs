using Xunit;
using Xunit.Sdk;

namespace Ember.Tests;

/// <summary>Assertions over whole tensors, with messages that show where they differ.</summary>
public static class TensorAssert
{
    /// <summary>
    /// Same shape, same dtype, and every element within <c>atol + rtol * |expected|</c> (NaN equals NaN,
    /// infinities must match exactly). Tolerances default by dtype: float32 1e-5/1e-6, float64 1e-10/1e-12, integers exact.
    /// </summary>
    public static void Close(Tensor expected, Tensor actual, double? rtol = null, double? atol = null, bool checkDType = true)
    {
        Assert.True(expected.Shape == actual.Shape, $"shape: expected {expected.Shape}, got {actual.Shape}");
        if (checkDType) Assert.True(expected.DType == actual.DType, $"dtype: expected {expected.DType}, got {actual.DType}");
        bool f32 = expected.DType == DType.Float32 || actual.DType == DType.Float32;
        double rt = rtol ?? (f32 ? 1e-5 : 1e-10), at = atol ?? (f32 ? 1e-6 : 1e-12);
        var e = expected.ToArray<double>();
        var a = actual.ToArray<double>();
        for (int i = 0; i < e.Length; i++)
        {
            double x = e[i], y = a[i];
            if (double.IsNaN(x) && double.IsNaN(y)) continue;
            if (double.IsInfinity(x) || double.IsInfinity(y)) { if (x == y) continue; }
            else if (Math.Abs(x - y) <= at + rt * Math.Abs(x)) continue;
            throw new XunitException($"element {i} (of {e.Length}, shape {expected.Shape}): expected {x:R}, got {y:R} (rtol {rt}, atol {at})");
        }
    }

    /// <summary>Exact equality of shape, dtype and every element.</summary>
    public static void Equal(Tensor expected, Tensor actual) => Close(expected, actual, 0, 0);

    /// <summary>Asserts that <paramref name="action"/> throws <typeparamref name="TEx"/> whose message contains every fragment.</summary>
    public static TEx Throws<TEx>(Action action, params string[] fragments) where TEx : Exception
    {
        var ex = Assert.ThrowsAny<TEx>(action);
        foreach (var f in fragments)
            Assert.True(ex.Message.Contains(f, StringComparison.Ordinal), $"message '{ex.Message}' lacks '{f}'");
        return ex;
    }
}
