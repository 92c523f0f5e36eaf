using System.Globalization;

namespace Ember.Printing;

/// <summary>
/// PyTorch's <c>_Formatter</c>: looks at every element that will be printed once, picks integer mode
/// (all finite floats are whole: <c>1.</c>), scientific mode (nonzero finite magnitudes span more
/// than 1000x, exceed 1e8, or, outside integer mode, fall below 1e-4) or fixed mode, and the common
/// width every element is right-aligned to.
/// </summary>
internal sealed class ElementFormatter
{
    private readonly bool _floating;
    private readonly bool _intMode = true;
    private readonly bool _sciMode;
    private readonly int _precision;

    /// <summary>The width every formatted element is padded to.</summary>
    public int Width { get; } = 1;

    public ElementFormatter(DType dtype, IReadOnlyList<double> floats, IReadOnlyList<long> integers, PrintOptions o)
    {
        _floating = dtype.IsFloatingPoint();
        _precision = o.Precision;
        if (!_floating)
        {
            foreach (long v in integers) Width = Math.Max(Width, FormatInteger(dtype, v).Length);
            return;
        }
        var nz = floats.Where(v => double.IsFinite(v) && v != 0).ToList();
        if (nz.Count > 0)
        {
            double min = nz.Min(Math.Abs), max = nz.Max(Math.Abs);
            _intMode = nz.All(v => v == Math.Ceiling(v));
            if (_intMode)
            {
                if (max / min > 1000.0 || max > 1.0e8)
                {
                    _sciMode = true;
                    foreach (double v in nz) Width = Math.Max(Width, PythonFormat.Scientific(v, _precision).Length);
                }
                else
                {
                    // The trailing '.' that marks a whole float counts toward the width.
                    foreach (double v in nz) Width = Math.Max(Width, PythonFormat.Fixed(v, 0).Length + 1);
                }
            }
            else if (max / min > 1000.0 || max > 1.0e8 || min < 1.0e-4)
            {
                _sciMode = true;
                foreach (double v in nz) Width = Math.Max(Width, PythonFormat.Scientific(v, _precision).Length);
            }
            else
            {
                foreach (double v in nz) Width = Math.Max(Width, PythonFormat.Fixed(v, _precision).Length);
            }
            // As PyTorch, a forced mode only applies when some element is finite and nonzero.
            if (o.SciMode is { } forced) _sciMode = forced;
        }
    }

    /// <summary>One floating-point element, right-aligned to <see cref="Width"/>.</summary>
    public string Format(double v)
    {
        string s;
        if (_sciMode) s = PythonFormat.Scientific(v, _precision);
        else if (_intMode)
        {
            s = PythonFormat.Fixed(v, 0);
            if (double.IsFinite(v)) s += ".";
        }
        else s = PythonFormat.Fixed(v, _precision);
        return s.PadLeft(Width);
    }

    /// <summary>One integer or bool element, right-aligned to <see cref="Width"/>.</summary>
    public string Format(DType dtype, long v) => FormatInteger(dtype, v).PadLeft(Width);

    private static string FormatInteger(DType dtype, long v) =>
        dtype == DType.Bool ? (v != 0 ? "True" : "False") : v.ToString(CultureInfo.InvariantCulture);
}
