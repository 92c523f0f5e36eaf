using Ember.Backends;

namespace Ember;

// Three-input elementwise ops: where, lerp, addcmul, addcdiv, clamp with tensor bounds.
public partial class Tensor
{
    /// <summary>
    /// out = op(a, b, c) with broadcasting over all three. Inputs are converted to
    /// <paramref name="computeType"/> (the first to <paramref name="firstType"/> when given, for
    /// where's condition); the output has <paramref name="computeType"/>.
    /// </summary>
    internal static Tensor TernaryOp(Backends.TernaryOp op, Tensor a, Tensor b, Tensor c, DType computeType, string name,
        Scalar value = default, DType? firstType = null)
    {
        CheckSameDevice(a, b, name);
        CheckSameDevice(a, c, name);
        int[] shape = Broadcast3(a, b, c, name);
        var ac = a.AsType(firstType ?? computeType);
        var bc = b.AsType(computeType);
        var cc = c.AsType(computeType);
        var outT = Alloc(shape, computeType, a.Device, uninitialized: true);
        a.Backend.Ternary(op, ac.Storage, ac.Layout.BroadcastTo(shape), bc.Storage, bc.Layout.BroadcastTo(shape),
            cc.Storage, cc.Layout.BroadcastTo(shape), outT.Storage, outT.Layout, value);
        return outT;
    }

    private static int[] Broadcast3(Tensor a, Tensor b, Tensor c, string name)
    {
        int[] ab = SameShape(a.Layout.Shape, b.Layout.Shape) ? a.Layout.Shape : Dims.Broadcast(a.Layout.Shape, b.Layout.Shape, name);
        return SameShape(ab, c.Layout.Shape) ? ab : Dims.Broadcast(ab, c.Layout.Shape, name);
    }

    /// <summary>
    /// Elements of <paramref name="x"/> where <paramref name="condition"/> is true, else of
    /// <paramref name="y"/> (<c>torch.where(condition, x, y)</c>). All three broadcast together; the
    /// result dtype is the promoted type of <paramref name="x"/> and <paramref name="y"/>, so
    /// <c>Tensor.Where(mask, x, 0)</c> keeps x's dtype.
    /// </summary>
    /// <exception cref="ArgumentException">The condition is not a bool tensor (PyTorch 1.13 still accepted uint8 with a warning; Ember does not).</exception>
    public static Tensor Where(Tensor condition, Tensor x, Tensor y)
    {
        NotNull(condition, x, y);
        if (condition.DType != DType.Bool)
            throw new ArgumentException($"where: expected condition to be a boolean tensor, but got a tensor with dtype {condition.DType.TorchName()}.");
        var r = TernaryOp(Backends.TernaryOp.Where, condition, x, y, TypePromotion.ResultType([x, y]), "where", firstType: DType.Bool);
        if (Autograd.Recording(x, y)) Derivatives.Where.Record(r, [x, y], saved: [condition]);
        return r;
    }

    /// <summary>
    /// Linear interpolation <c>this + weight * (end - this)</c> (<c>torch.lerp</c>), computed as PyTorch
    /// does so that weight 0 gives this and weight 1 gives <paramref name="end"/> exactly. Floating-point
    /// tensors only. As in PyTorch 1.13 nothing is promoted: <paramref name="end"/> and a tensor
    /// <paramref name="weight"/> must have this tensor's dtype; a number weight is converted.
    /// Ember also accepts a number for <paramref name="end"/>.
    /// </summary>
    public Tensor Lerp(Tensor end, Tensor weight) => Lerp(this, end, weight);

    /// <summary>Linear interpolation from <paramref name="input"/> to <paramref name="end"/> (<c>torch.lerp</c>); see the instance method.</summary>
    public static Tensor Lerp(Tensor input, Tensor end, Tensor weight)
    {
        NotNull(input, end, weight);
        CheckLerp(input, end, weight);
        var r = TernaryOp(Backends.TernaryOp.Lerp, input, end, weight, input.DType, "lerp");
        if (Autograd.Recording([input, end, weight]))
        {
            // A number weight is PyTorch's lerp.Scalar (LerpBackward0), a tensor weight lerp.Tensor (LerpBackward1).
            if (weight.IsWrappedNumber) Derivatives.Lerp.Record(r, [input, end], state: weight.Item().ToDouble());
            else Derivatives.LerpTensor.Record(r, [input, end, weight], saved: [input, end, weight]);
        }
        return r;
    }

    private static void CheckLerp(Tensor input, Tensor end, Tensor weight)
    {
        if (!input.DType.IsFloatingPoint())
            throw new NotSupportedException($"lerp: not implemented for {input.DType.TorchName()}; lerp needs a floating-point input.");
        if (!end.IsWrappedNumber && end.DType != input.DType)
            throw new ArgumentException($"lerp: expected dtype {input.DType.TorchName()} for `end` but got dtype {end.DType.TorchName()}.");
        if (!weight.IsWrappedNumber && weight.DType != input.DType)
            throw new ArgumentException($"lerp: expected dtype {input.DType.TorchName()} for `weight` but got dtype {weight.DType.TorchName()}.");
    }

    /// <summary>
    /// <c>this + value * tensor1 * tensor2</c> with broadcasting and type promotion over the three
    /// tensors (<c>torch.addcmul</c>). <paramref name="value"/> is converted to the result dtype
    /// (for integer results a fractional value truncates, as PyTorch 1.13 does).
    /// </summary>
    public Tensor Addcmul(Tensor tensor1, Tensor tensor2, Scalar? value = null) => Addcmul(this, tensor1, tensor2, value);

    /// <summary><c>input + value * tensor1 * tensor2</c> (<c>torch.addcmul</c>); see the instance method.</summary>
    public static Tensor Addcmul(Tensor input, Tensor tensor1, Tensor tensor2, Scalar? value = null)
    {
        NotNull(input, tensor1, tensor2);
        DType t = TypePromotion.ResultType([input, tensor1, tensor2]);
        var r = TernaryOp(Backends.TernaryOp.Addcmul, input, tensor1, tensor2, t, "addcmul", value ?? 1);
        if (Autograd.Recording([input, tensor1, tensor2]))
            Derivatives.Addcmul.Record(r, [input, tensor1, tensor2], saved: [tensor1, tensor2], state: value?.ToDouble() ?? 1.0);
        return r;
    }

    /// <summary>
    /// <c>this + value * tensor1 / tensor2</c> with broadcasting and type promotion
    /// (<c>torch.addcdiv</c>). Two integer (or bool) divisor operands are refused, as in PyTorch.
    /// </summary>
    public Tensor Addcdiv(Tensor tensor1, Tensor tensor2, Scalar? value = null) => Addcdiv(this, tensor1, tensor2, value);

    /// <summary><c>input + value * tensor1 / tensor2</c> (<c>torch.addcdiv</c>); see the instance method.</summary>
    public static Tensor Addcdiv(Tensor input, Tensor tensor1, Tensor tensor2, Scalar? value = null)
    {
        NotNull(input, tensor1, tensor2);
        if (!tensor1.DType.IsFloatingPoint() && !tensor2.DType.IsFloatingPoint())
            throw new ArgumentException(
                $"addcdiv: Integer division with addcdiv is no longer supported (tensor1 is {tensor1.DType.TorchName()}, tensor2 is {tensor2.DType.TorchName()}). " +
                "The historic behavior can be implemented as (input + value * Trunc(tensor1 / tensor2)).To(input.DType) for integer inputs " +
                "and as (input + value * tensor1 / tensor2) for float inputs.");
        DType t = TypePromotion.ResultType([input, tensor1, tensor2]);
        var r = TernaryOp(Backends.TernaryOp.Addcdiv, input, tensor1, tensor2, t, "addcdiv", value ?? 1);
        if (Autograd.Recording([input, tensor1, tensor2]))
            Derivatives.Addcdiv.Record(r, [input, tensor1, tensor2], saved: [tensor1, tensor2], state: value?.ToDouble() ?? 1.0);
        return r;
    }

    // A null operand is a caller bug; report it before any kernel runs.
    private static void NotNull(Tensor? input, Tensor? other)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(other);
    }

    private static void NotNull(Tensor? input, Tensor? second, Tensor? third)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(second);
        ArgumentNullException.ThrowIfNull(third);
    }
}
