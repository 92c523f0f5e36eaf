using System.Globalization;
using System.Numerics;

namespace Ember.Printing;

/// <summary>
/// Python's <c>'{:.Nf}'</c> and <c>'{:.Ne}'</c> for doubles, digit for digit. .NET's "F"/"E" round
/// exact ties away from zero and write three exponent digits, while Python rounds the exact binary
/// value half to even (<c>1.03125</c> prints as <c>1.0312</c>) and writes <c>e+05</c>; PyTorch's repr is
/// made of Python's strings, so the arithmetic here is exact (the double as a rational number).
/// </summary>
internal static class PythonFormat
{
    /// <summary><c>'{:.{prec}f}'.format(v)</c>.</summary>
    public static string Fixed(double v, int prec)
    {
        if (!double.IsFinite(v)) return NonFinite(v);
        var q = RoundScaled(Math.Abs(v), prec);
        string digits = q.ToString(CultureInfo.InvariantCulture).PadLeft(prec + 1, '0');
        string s = prec == 0 ? digits : digits[..^prec] + "." + digits[^prec..];
        return double.IsNegative(v) ? "-" + s : s;
    }

    /// <summary><c>'{:.{prec}e}'.format(v)</c>.</summary>
    public static string Scientific(double v, int prec)
    {
        if (!double.IsFinite(v)) return NonFinite(v);
        double x = Math.Abs(v);
        int e = 0;
        BigInteger q = BigInteger.Zero;
        if (x != 0)
        {
            e = (int)Math.Floor(Math.Log10(x));
            var lo = BigInteger.Pow(10, prec);
            var hi = lo * 10;
            // log10 can be off by one near powers of ten, and rounding can carry into a new digit.
            for (int guard = 0; guard < 4; guard++)
            {
                q = RoundScaled(x, prec - e);
                if (q >= hi) e++;
                else if (q < lo) e--;
                else break;
            }
        }
        string digits = q.ToString(CultureInfo.InvariantCulture).PadLeft(prec + 1, '0');
        string mant = prec == 0 ? digits : digits[..1] + "." + digits[1..];
        string exp = (e < 0 ? "-" : "+") + Math.Abs(e).ToString("00", CultureInfo.InvariantCulture);
        return (double.IsNegative(v) ? "-" : "") + mant + "e" + exp;
    }

    private static string NonFinite(double v) => double.IsNaN(v) ? "nan" : v > 0 ? "inf" : "-inf";

    /// <summary>round_half_even(x * 10^k) for a finite non-negative double, computed exactly.</summary>
    private static BigInteger RoundScaled(double x, int k)
    {
        long bits = BitConverter.DoubleToInt64Bits(x);
        int rawExp = (int)((bits >> 52) & 0x7FF);
        long frac = bits & 0xFFFFFFFFFFFFFL;
        long mant = rawExp == 0 ? frac : frac | (1L << 52);
        int exp2 = (rawExp == 0 ? 1 : rawExp) - 1075;
        BigInteger num = mant, den = BigInteger.One;
        if (exp2 >= 0) num <<= exp2; else den <<= -exp2;
        if (k >= 0) num *= BigInteger.Pow(10, k); else den *= BigInteger.Pow(10, -k);
        var q = BigInteger.DivRem(num, den, out var r);
        int cmp = (r << 1).CompareTo(den);
        if (cmp > 0 || (cmp == 0 && !q.IsEven)) q += 1;
        return q;
    }
}
