namespace Ember;

/// <summary>The element type of a tensor, as PyTorch's <c>torch.dtype</c>.</summary>
public enum DType
{
    /// <summary>32-bit IEEE float (<c>torch.float32</c>), the default.</summary>
    Float32,
    /// <summary>64-bit IEEE float (<c>torch.float64</c>).</summary>
    Float64,
    /// <summary>64-bit signed integer (<c>torch.int64</c>, <c>torch.long</c>).</summary>
    Int64,
    /// <summary>32-bit signed integer (<c>torch.int32</c>).</summary>
    Int32,
    /// <summary>8-bit unsigned integer (<c>torch.uint8</c>).</summary>
    UInt8,
    /// <summary>Boolean (<c>torch.bool</c>), stored one byte per element (0 or 1).</summary>
    Bool,
}

/// <summary>Facts about each <see cref="DType"/> and PyTorch's type-promotion rules.</summary>
public static class DTypes
{
    /// <summary>The dtype of floating-point tensors created without an explicit dtype.</summary>
    public static DType DefaultFloat { get; set; } = DType.Float32;

    /// <summary>Bytes per element.</summary>
    public static int ElementSize(this DType t) => t switch
    {
        DType.Float32 => 4, DType.Float64 => 8, DType.Int64 => 8, DType.Int32 => 4,
        DType.UInt8 => 1, DType.Bool => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(t)),
    };

    /// <summary>True for float32 and float64.</summary>
    public static bool IsFloatingPoint(this DType t) => t is DType.Float32 or DType.Float64;

    /// <summary>True for the integer types (not bool).</summary>
    public static bool IsIntegral(this DType t) => t is DType.Int64 or DType.Int32 or DType.UInt8;

    /// <summary>PyTorch's name, e.g. <c>torch.float32</c>.</summary>
    public static string TorchName(this DType t) => t switch
    {
        DType.Float32 => "torch.float32", DType.Float64 => "torch.float64", DType.Int64 => "torch.int64",
        DType.Int32 => "torch.int32", DType.UInt8 => "torch.uint8", DType.Bool => "torch.bool",
        _ => t.ToString(),
    };

    /// <summary>The .NET element type Ember stores for <paramref name="t"/> (bool is stored as <see cref="byte"/>).</summary>
    public static Type StorageType(this DType t) => t switch
    {
        DType.Float32 => typeof(float), DType.Float64 => typeof(double), DType.Int64 => typeof(long),
        DType.Int32 => typeof(int), DType.UInt8 => typeof(byte), DType.Bool => typeof(byte),
        _ => throw new ArgumentOutOfRangeException(nameof(t)),
    };

    /// <summary>The dtype for a .NET element type; bool maps to <see cref="DType.Bool"/>.</summary>
    public static DType FromClrType(Type t)
    {
        if (t == typeof(float)) return DType.Float32;
        if (t == typeof(double)) return DType.Float64;
        if (t == typeof(long)) return DType.Int64;
        if (t == typeof(int)) return DType.Int32;
        if (t == typeof(byte)) return DType.UInt8;
        if (t == typeof(bool)) return DType.Bool;
        throw new NotSupportedException($"Ember has no dtype for .NET type {t.Name}; supported: float, double, long, int, byte, bool.");
    }

    // Category order used by promotion: bool < integer < floating.
    private static int Category(DType t) => t == DType.Bool ? 0 : t.IsFloatingPoint() ? 2 : 1;

    /// <summary>
    /// <c>torch.promote_types</c>: the smallest dtype both operands convert to without losing
    /// their category (bool &lt; integer &lt; floating).
    /// </summary>
    public static DType Promote(DType a, DType b)
    {
        if (a == b) return a;
        if (a == DType.Bool) return b;
        if (b == DType.Bool) return a;
        if (a.IsFloatingPoint() || b.IsFloatingPoint())
        {
            if (a == DType.Float64 || b == DType.Float64) return DType.Float64;
            return DType.Float32;
        }
        // Both integral: uint8 with a signed type gives the signed type (both of ours are wider).
        if (a == DType.Int64 || b == DType.Int64) return DType.Int64;
        return DType.Int32; // int32 with uint8
    }

    /// <summary>
    /// Promotion of a tensor with a Python-like scalar (a "wrapped number"): the scalar only raises the
    /// result's category, never its width, as in PyTorch (<c>int_tensor * 2.5</c> is float32, <c>float32 * 2.0</c> stays float32).
    /// </summary>
    public static DType PromoteWithScalar(DType tensor, Scalar s)
    {
        int cs = s.Kind switch { ScalarKind.Bool => 0, ScalarKind.Integer => 1, _ => 2 };
        if (cs <= Category(tensor)) return tensor;
        return cs == 1 ? DType.Int64 : DefaultFloat;
    }

    /// <summary>The dtype a floating-point-only op computes in: floats keep theirs, others become the default float.</summary>
    public static DType ToFloating(this DType t) => t.IsFloatingPoint() ? t : DefaultFloat;
}
