using System.Globalization;
using Ember.Backends.Cpu;

namespace Ember;

// Creation of ranges and identity matrices: arange, linspace, logspace, eye.
public partial class Tensor
{
    /// <summary>
    /// The values 0, 1, ..., up to but not including <paramref name="end"/> (<c>torch.arange(end)</c>).
    /// int64 when <paramref name="end"/> is an integer, else the default float dtype. For another dtype
    /// or device write <c>Arange(0, end, dtype: ...)</c>: an overload taking a dtype second would make
    /// <c>Arange(5, 0)</c> ambiguous, since the constant 0 converts to an enum.
    /// </summary>
    public static Tensor Arange(Scalar end) => Arange(0, end);

    /// <summary>
    /// Values from <paramref name="start"/> up to but not including <paramref name="end"/>, spaced by
    /// <paramref name="step"/> (default 1) (<c>torch.arange(start, end, step)</c>). The dtype is int64
    /// when all of start, end and step are integers, else the default float dtype, unless
    /// <paramref name="dtype"/> says otherwise.
    /// </summary>
    /// <remarks>
    /// As PyTorch: the length is <c>ceil((end - start) / step)</c> computed in double (exactly, in
    /// integers, for int64); the arguments are first converted to the dtype's accumulation type (double
    /// for floats, int64 for integers), so <c>Arange(0, 2.5, 0.5, DType.Int64)</c> has step 0 and fails.
    /// Values are <c>start + i * step</c> rounded as PyTorch's AVX2 kernel rounds them (checked against
    /// PyTorch for lengths up to a few thousand).
    /// </remarks>
    /// <exception cref="ArgumentException">The step is zero, the bounds are not finite, or the step's sign points away from <paramref name="end"/>.</exception>
    public static Tensor Arange(Scalar start, Scalar end, Scalar? step = null, DType? dtype = null, Device? device = null)
    {
        const string op = "arange";
        Scalar st = step ?? 1;
        DType dt = dtype ?? (start.Kind == ScalarKind.Floating || end.Kind == ScalarKind.Floating || st.Kind == ScalarKind.Floating
            ? DTypes.DefaultFloat : DType.Int64);
        if (dt == DType.Bool) throw new ArgumentException($"{op}: dtype torch.bool is not supported; use an integer or floating-point dtype.");
        long n;
        Tensor r;
        if (dt.IsFloatingPoint())
        {
            double xs = start.ToDouble(), xe = end.ToDouble(), xst = st.ToDouble();
            CheckRange(op, xst != 0, double.IsFinite(xs) && double.IsFinite(xe), (xst > 0 && xe >= xs) || (xst < 0 && xe <= xs), Fmt(xs), Fmt(xe));
            double size = Math.Ceiling((xe - xs) / xst);
            n = CheckSize(op, size);
            var values = new double[n];
            RangeKernels.ArangeFloating(values, dt, xs, xst);
            r = From(values).To(dt);
        }
        else
        {
            long xs = start.ToInt64(), xe = end.ToInt64(), xst = st.ToInt64();
            CheckRange(op, xst != 0, true, (xst > 0 && xe >= xs) || (xst < 0 && xe <= xs), xs.ToString(CultureInfo.InvariantCulture), xe.ToString(CultureInfo.InvariantCulture));
            long sgn = Math.Sign(xst);
            n = CheckSize(op, Math.Ceiling((double)((xe - xs + xst - sgn) / xst)));
            var values = new long[n];
            for (long i = 0; i < n; i++) values[i] = unchecked(xs + xst * i);
            r = From(values).To(dt);
        }
        return device is { } d ? r.To(d) : r;
    }

    private static void CheckRange(string op, bool nonzero, bool finite, bool consistent, string start, string end)
    {
        if (!nonzero) throw new ArgumentException($"{op}: step must be nonzero.");
        if (!finite) throw new ArgumentException($"{op}: unsupported range: {start} -> {end}.");
        if (!consistent) throw new ArgumentException($"{op}: upper bound and larger bound inconsistent with step sign (start={start}, end={end}).");
    }

    private static long CheckSize(string op, double size)
    {
        if (!(size >= 0 && size <= long.MaxValue)) throw new ArgumentException($"{op}: invalid size {Fmt(size)}, possible overflow?");
        if (size > Array.MaxLength) throw new ArgumentException($"{op}: {Fmt(size)} elements are more than a CPU tensor can hold ({Array.MaxLength}).");
        return (long)size;
    }

    /// <summary>
    /// <paramref name="steps"/> values evenly spaced from <paramref name="start"/> to <paramref name="end"/>
    /// inclusive (<c>torch.linspace</c>), in the default float dtype unless <paramref name="dtype"/> says otherwise.
    /// </summary>
    /// <remarks>
    /// As PyTorch's kernel: the step is <c>(end - start) / (steps - 1)</c> (in the dtype for floats, in
    /// double for integers); the first half of the values count up from start and the second half
    /// down from end, so both ends come out exact. Integer results truncate toward zero.
    /// </remarks>
    /// <exception cref="ArgumentException"><paramref name="steps"/> is negative.</exception>
    public static Tensor Linspace(Scalar start, Scalar end, int steps, DType? dtype = null, Device? device = null)
    {
        const string op = "linspace";
        if (steps < 0) throw new ArgumentException($"{op}: number of steps must be non-negative, got {steps}.", nameof(steps));
        DType dt = dtype ?? DTypes.DefaultFloat;
        if (dt == DType.Bool) throw new ArgumentException($"{op}: dtype torch.bool is not supported; use an integer or floating-point dtype.");
        Tensor r;
        if (steps <= 1)
        {
            r = Alloc([steps], dt, Device.Cpu);
            if (steps == 1) r.Backend.Fill(r.Storage, r.Layout, dt.IsFloatingPoint() ? start.ToDouble() : start.ToInt64());
        }
        else if (dt == DType.Float32)
        {
            ShapeMath.Numel([steps], op);   // the size check and message every factory gives
            var values = new float[steps];
            RangeKernels.LinspaceFloat(values, (float)start.ToDouble(), (float)end.ToDouble());
            r = From(values);
        }
        else
        {
            ShapeMath.Numel([steps], op);
            var values = new double[steps];
            double s = dt == DType.Float64 ? start.ToDouble() : CastToInteger(start, dt);
            double e = dt == DType.Float64 ? end.ToDouble() : CastToInteger(end, dt);
            RangeKernels.LinspaceDouble(values, dt, s, e);
            r = From(values).To(dt);
        }
        return device is { } d ? r.To(d) : r;
    }

    /// <summary>
    /// <paramref name="steps"/> values <c>base^x</c> for x evenly spaced from <paramref name="start"/> to
    /// <paramref name="end"/> inclusive (<c>torch.logspace</c>), in the default float dtype unless given.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="steps"/> is negative.</exception>
    public static Tensor Logspace(Scalar start, Scalar end, int steps, double @base = 10.0, DType? dtype = null, Device? device = null)
    {
        const string op = "logspace";
        if (steps < 0) throw new ArgumentException($"{op}: number of steps must be non-negative, got {steps}.", nameof(steps));
        DType dt = dtype ?? DTypes.DefaultFloat;
        if (dt == DType.Bool) throw new ArgumentException($"{op}: dtype torch.bool is not supported; use an integer or floating-point dtype.");
        ShapeMath.Numel([steps], op);
        var values = new double[steps];
        if (steps == 1) values[0] = Math.Pow(@base, start.ToDouble());
        else if (steps > 1)
        {
            double s = dt switch { DType.Float32 => (float)start.ToDouble(), DType.Float64 => start.ToDouble(), _ => CastToInteger(start, dt) };
            double e = dt switch { DType.Float32 => (float)end.ToDouble(), DType.Float64 => end.ToDouble(), _ => CastToInteger(end, dt) };
            RangeKernels.Logspace(values, dt, s, e, @base);
        }
        var r = From(values).To(dt);
        return device is { } d ? r.To(d) : r;
    }

    // Scalar.to<int_type>(): truncate toward zero, then wrap into the integer type.
    private static double CastToInteger(Scalar s, DType dt) => dt switch
    {
        DType.Int32 => unchecked((int)s.ToInt64()),
        DType.UInt8 => unchecked((byte)s.ToInt64()),
        _ => s.ToInt64(),
    };

    /// <summary>
    /// A 2-D tensor with ones on the diagonal and zeros elsewhere, <paramref name="n"/> rows and
    /// <paramref name="m"/> columns (default <paramref name="n"/>) (<c>torch.eye</c>), float32 unless
    /// <paramref name="dtype"/> says otherwise.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="n"/> or <paramref name="m"/> is negative.</exception>
    public static Tensor Eye(int n, int? m = null, DType? dtype = null, Device? device = null)
    {
        if (n < 0) throw new ArgumentException($"eye: n must be greater or equal to 0, got {n}.", nameof(n));
        int cols = m ?? n;
        if (cols < 0) throw new ArgumentException($"eye: m must be greater or equal to 0, got {cols}.", nameof(m));
        var r = ZerosFor("eye", [n, cols], dtype, device);
        int k = Math.Min(n, cols);
        if (k > 0)
        {
            // The diagonal is one strided view: stride cols + 1 through the row-major storage.
            var diag = new Layout([k], [cols + 1], 0);
            r.Backend.Fill(r.Storage, diag, 1);
        }
        return r;
    }

    private static string Fmt(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
