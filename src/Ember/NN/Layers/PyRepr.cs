using System.Globalization;

namespace Ember.NN;

/// <summary>Formats values the way Python prints them, so module reprs read exactly as PyTorch's.</summary>
internal static class PyRepr
{
    /// <summary>Python's <c>repr(float)</c>: <c>1.0</c>, <c>0.01</c>, <c>1e-05</c>, <c>inf</c>.</summary>
    public static string Float(double v)
    {
        if (double.IsNaN(v)) return "nan";
        if (double.IsInfinity(v)) return v > 0 ? "inf" : "-inf";
        if (v == Math.Floor(v) && Math.Abs(v) < 1e16) return v.ToString("0.0", CultureInfo.InvariantCulture);
        string s = v.ToString("R", CultureInfo.InvariantCulture).Replace('E', 'e');
        // Python writes two exponent digits at least and a sign: 1e-05, 1e+16.
        int e = s.IndexOf('e');
        if (e < 0) return s;
        string mant = s[..e], exp = s[(e + 1)..];
        char sign = exp[0] == '-' ? '-' : '+';
        exp = exp.TrimStart('+', '-');
        return mant + "e" + sign + exp.PadLeft(2, '0');
    }

    /// <summary>A number that PyTorch's defaults give as a Python int when integral (<c>beta=1</c>), else as a float.</summary>
    public static string IntOrFloat(double v) =>
        v == Math.Floor(v) && Math.Abs(v) < 1e16 ? ((long)v).ToString(CultureInfo.InvariantCulture) : Float(v);

    /// <summary>Python's <c>True</c>/<c>False</c>.</summary>
    public static string Bool(bool b) => b ? "True" : "False";

    /// <summary>A Python tuple of ints: <c>(4,)</c>, <c>(2, 5)</c>.</summary>
    public static string Tuple(IReadOnlyList<int> xs) =>
        xs.Count == 1 ? $"({xs[0]},)" : "(" + string.Join(", ", xs) + ")";
}
