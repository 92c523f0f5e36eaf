namespace Ember;

/// <summary>
/// The numerical limits of a floating-point dtype (<c>torch.finfo</c>): <see cref="Eps"/> is the gap
/// between 1 and the next representable number, <see cref="Tiny"/> the smallest positive normal number.
/// </summary>
/// <param name="DType">The dtype described.</param>
/// <param name="Bits">Bits per element (<c>bits</c>).</param>
/// <param name="Eps">The difference between 1.0 and the next representable number (<c>eps</c>).</param>
/// <param name="Max">The largest finite value (<c>max</c>).</param>
/// <param name="Min">The most negative finite value, -Max (<c>min</c>).</param>
/// <param name="Tiny">The smallest positive normal number (<c>tiny</c>).</param>
/// <param name="Resolution">The approximate decimal resolution, 10^-digits (<c>resolution</c>).</param>
public sealed record FloatInfo(DType DType, int Bits, double Eps, double Max, double Min, double Tiny, double Resolution)
{
    /// <summary>The smallest positive normal number, the same as <see cref="Tiny"/> (<c>smallest_normal</c>).</summary>
    public double SmallestNormal => Tiny;
}

/// <summary>The limits of an integer dtype (<c>torch.iinfo</c>).</summary>
/// <param name="DType">The dtype described.</param>
/// <param name="Bits">Bits per element (<c>bits</c>).</param>
/// <param name="Max">The largest value (<c>max</c>).</param>
/// <param name="Min">The smallest value (<c>min</c>).</param>
public sealed record IntInfo(DType DType, int Bits, long Max, long Min);

public partial class Tensor
{
    /// <summary>The limits of a floating-point dtype (<c>torch.finfo(dtype)</c>); without an argument, of the default float dtype (<c>torch.finfo()</c>).</summary>
    /// <exception cref="ArgumentException"><paramref name="dtype"/> is not a floating-point dtype.</exception>
    public static FloatInfo FInfo(DType? dtype = null) => (dtype ?? DTypes.DefaultFloat) switch
    {
        DType.Float32 => new(DType.Float32, 32, 1.1920928955078125e-07 /* 2^-23 */, float.MaxValue, float.MinValue, 1.1754943508222875e-38, 1e-06),
        DType.Float64 => new(DType.Float64, 64, 2.220446049250313e-16 /* 2^-52 */, double.MaxValue, double.MinValue, 2.2250738585072014e-308, 1e-15),
        var d => throw new ArgumentException($"finfo: expected a floating-point dtype, got {d.TorchName()}; use Tensor.IInfo for integer dtypes."),
    };

    /// <summary>The limits of an integer dtype (<c>torch.iinfo(dtype)</c>).</summary>
    /// <exception cref="ArgumentException"><paramref name="dtype"/> is not an integer dtype.</exception>
    public static IntInfo IInfo(DType dtype) => dtype switch
    {
        DType.Int64 => new(DType.Int64, 64, long.MaxValue, long.MinValue),
        DType.Int32 => new(DType.Int32, 32, int.MaxValue, int.MinValue),
        DType.UInt8 => new(DType.UInt8, 8, byte.MaxValue, byte.MinValue),
        var d => throw new ArgumentException($"iinfo: expected an integer dtype, got {d.TorchName()}; use Tensor.FInfo for floating-point dtypes."),
    };
}
