namespace Ember;

// Numbers where a tensor is expected: x + 2, Tensor.Where(m, x, 0), x[mask] = 0.
public partial class Tensor
{
    /// <summary>
    /// True for a 0-d tensor made implicitly from a .NET number. Like PyTorch's wrapped numbers it
    /// only raises the result's category in type promotion, never its width: <c>int_tensor * 2.5</c>
    /// is float32 and <c>float32_tensor * 2.0</c> stays float32.
    /// </summary>
    internal bool IsWrappedNumber { get; private init; }

    // Stored at full precision (float64 / int64), as PyTorch's wrapped numbers; promotion sees float64 as "a float".
    private static Tensor Wrap(Scalar s)
    {
        DType storeAs = s.Kind switch { ScalarKind.Bool => DType.Bool, ScalarKind.Integer => DType.Int64, _ => DType.Float64 };
        return new(ScalarTensor(s, storeAs, Device.Cpu).Storage, Layout.Contiguous([])) { IsWrappedNumber = true };
    }

    /// <summary>A number used as a tensor (a 0-d float tensor that promotes like a Python float).</summary>
    public static implicit operator Tensor(double value) => Wrap(value);
    /// <summary>A number used as a tensor (a 0-d float tensor that promotes like a Python float).</summary>
    public static implicit operator Tensor(float value) => Wrap(value);
    /// <summary>A number used as a tensor (a 0-d int64 tensor that promotes like a Python int).</summary>
    public static implicit operator Tensor(long value) => Wrap(value);
    /// <summary>A number used as a tensor (a 0-d int64 tensor that promotes like a Python int).</summary>
    public static implicit operator Tensor(int value) => Wrap(value);
    /// <summary>A boolean used as a tensor (a 0-d bool tensor that promotes like a Python bool).</summary>
    public static implicit operator Tensor(bool value) => Wrap(value);
}
