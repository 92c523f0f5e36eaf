using System.Globalization;
using System.Numerics;

namespace Ember;

/// <summary>
/// Overflow-safe arithmetic on sizes: the one place where sizes are multiplied into element counts
/// and strides into storage extents. A product that wraps around (65536^4 is 0 in 64 bits) would build
/// a tensor that lies about its size, so every count here is checked, and a tensor beyond what one
/// .NET array holds is refused with a message that names the op and the shape.
/// </summary>
internal static class ShapeMath
{
    /// <summary>The most elements one tensor's CPU storage (a single .NET array) can hold.</summary>
    public static int MaxElements => Array.MaxLength;

    /// <summary>
    /// The product of the sizes, exactly, or -1 when it does not fit in 64 bits (0 when any size is 0,
    /// whatever the others). No exceptions, no allocation: this runs for every layout built.
    /// </summary>
    public static long Product(ReadOnlySpan<int> shape)
    {
        long n = 1;
        bool overflow = false;
        foreach (int d in shape)
        {
            if (d == 0) return 0;
            // Each size is below 2^31, so n * d can leave 64 bits only once n has reached 2^32.
            if (n >= 1L << 32 && n > long.MaxValue / d) overflow = true;
            else n *= d;
        }
        return overflow ? -1 : n;
    }

    /// <summary>
    /// The number of elements of a new tensor of <paramref name="shape"/> (sizes already known to be
    /// non-negative), refusing a count that overflows or exceeds <see cref="MaxElements"/>, and an empty
    /// shape whose row-major strides would not fit Ember's 32-bit strides.
    /// </summary>
    /// <exception cref="ArgumentException">The shape is too large; the message names <paramref name="op"/> and the shape.</exception>
    public static int Numel(ReadOnlySpan<int> shape, string op)
    {
        long n = Product(shape);
        if (n < 0 || n > MaxElements) throw TooLarge(shape, op);
        if (n == 0 && !StridesFit(shape))
            throw new ArgumentException(
                $"{op}: shape {Shape.Format(shape)} has 0 elements, but its row-major strides would reach {StrideProduct(shape)}, more than Ember's 32-bit strides hold (at most {int.MaxValue}).");
        return (int)n;
    }

    /// <summary>The error for a shape with too many elements: the exact count, and whether 64-bit arithmetic overflowed.</summary>
    public static ArgumentException TooLarge(ReadOnlySpan<int> shape, string op)
    {
        BigInteger exact = BigInteger.One;
        foreach (int d in shape) exact *= d;
        string overflow = exact > long.MaxValue ? " (numel: integer multiplication overflow, beyond 2^63)" : "";
        return new ArgumentException(
            $"{op}: shape {Shape.Format(shape)} has {exact.ToString(CultureInfo.InvariantCulture)} elements{overflow}; Ember's CPU storage holds at most {MaxElements} elements per tensor (the length limit of one .NET array).");
    }

    /// <summary>
    /// <paramref name="a"/> * <paramref name="b"/> for a size (a repeat count, a scale factor, a block
    /// count), or an error naming the op when the result would not be a size.
    /// </summary>
    public static int MultiplySize(int a, int b, string op, string what)
    {
        long r = (long)a * b;
        if (r > int.MaxValue)
            throw new ArgumentException($"{op}: {what} is {a} * {b} = {r}, more than a size can be (at most {int.MaxValue}); Ember's CPU storage holds at most {MaxElements} elements per tensor.");
        return (int)r;
    }

    /// <summary>The sum of sizes (concatenated lengths, padded sizes), or an error naming the op when it would not be a size.</summary>
    public static int AddSize(int a, int b, string op, string what)
    {
        long r = (long)a + b;
        if (r > int.MaxValue)
            throw new ArgumentException($"{op}: {what} is {a} + {b} = {r}, more than a size can be (at most {int.MaxValue}); Ember's CPU storage holds at most {MaxElements} elements per tensor.");
        return (int)r;
    }

    /// <summary>
    /// The last storage element a view of <paramref name="shape"/>, <paramref name="strides"/> and
    /// <paramref name="offset"/> touches (offset + sum (size - 1) * stride, strides non-negative), or -1
    /// when the view is empty; -2 when the sum does not fit in 64 bits.
    /// </summary>
    public static long LastElement(ReadOnlySpan<int> shape, ReadOnlySpan<int> strides, long offset)
    {
        if (Product(shape) == 0) return -1;
        long reach = offset;
        for (int i = 0; i < shape.Length; i++)
        {
            // (size - 1) * stride < 2^62, so only the running sum can overflow.
            long step = (long)(shape[i] - 1) * strides[i];
            if (reach > long.MaxValue - step) return -2;
            reach += step;
        }
        return reach;
    }

    /// <summary>True when row-major strides of <paramref name="shape"/> fit in 32 bits (they multiply the sizes after the first, counting a 0 as 1, as PyTorch's).</summary>
    public static bool StridesFit(ReadOnlySpan<int> shape)
    {
        long acc = 1;
        for (int i = shape.Length - 1; i >= 1; i--)
        {
            acc *= Math.Max(shape[i], 1);
            if (acc > int.MaxValue) return false;
        }
        return true;
    }

    private static BigInteger StrideProduct(ReadOnlySpan<int> shape)
    {
        BigInteger p = BigInteger.One;
        for (int i = 1; i < shape.Length; i++) p *= Math.Max(shape[i], 1);
        return p;
    }
}
