using Ember.Backends;
using U = Ember.Backends.UnaryOp;
using B = Ember.Backends.BinaryOp;

namespace Ember;

// In-place pointwise ops (trailing underscore, as PyTorch). Each one checks, before writing
// anything: the tensor is writable (no expanded/overlapping elements), the other operands broadcast
// to its shape, and the op's result type can be cast to its dtype. Then it writes and bumps the
// storage version so autograd can detect the change.
public sealed partial class Tensor
{
    // PyTorch's ScalarType names, used by its in-place cast message ("result type Float can't be cast to ... Long").
    private static string CName(DType t) => t switch
    {
        DType.Float32 => "Float", DType.Float64 => "Double", DType.Int64 => "Long",
        DType.Int32 => "Int", DType.UInt8 => "Byte", DType.Bool => "Bool", _ => t.ToString(),
    };

    private void CheckInPlace(string name, DType resultType, params ReadOnlySpan<Tensor?> others)
    {
        foreach (var o in others)
        {
            if (o is null) continue;
            CheckSameDevice(this, o, name);
            if (SameShape(o.Layout.Shape, Layout.Shape)) continue;
            var shape = Dims.Broadcast(Layout.Shape, o.Layout.Shape, name);
            if (!SameShape(shape, Layout.Shape))
                throw new ArgumentException($"{name}: output with shape {Shape} doesn't match the broadcast shape {Ember.Shape.Format(shape)}.");
        }
        if (!TypePromotion.CanCast(resultType, DType))
            throw new InvalidOperationException($"{name}: result type {CName(resultType)} can't be cast to the desired output type {CName(DType)}.");
        CheckWritable(name);
    }

    // Writes an out-of-place result (already checked to have this shape) into this tensor.
    private Tensor Assign(Tensor result)
    {
        Backend.Copy(result.Storage, result.Layout, Storage, Layout);
        BumpVersion();
        return this;
    }

    // An operand that is another view of this storage is copied first, so no element is read after being written.
    private Tensor Detached(Tensor other) =>
        ReferenceEquals(other.Storage, Storage) && !(other.Layout.Offset == Layout.Offset && SameShape(other.Layout.Strides, Layout.Strides) && SameShape(other.Layout.Shape, Layout.Shape))
            ? other.Clone() : other;

    private Tensor UnaryInPlace(U op, string name)
    {
        DType compute = UnaryOps.NeedsFloat(op) ? DType.ToFloating() : DType;
        CheckInPlace(name, UnaryOps.ResultType(op, compute));
        Backend.Unary(op, Storage, Layout, Storage, Layout);
        BumpVersion();
        return this;
    }

    private Tensor BinaryInPlace(B op, Tensor other, DType compute, string name)
    {
        CheckInPlace(name, BinaryOps.ResultType(op, compute), other);
        if (compute == DType && BinaryOps.ResultType(op, compute) == DType)
            return BinaryOp_(op, Detached(other), compute, name); // in place, no temporary
        return Assign(BinaryOp(op, this, other, compute, name));
    }

    /// <summary>In place: <c>this += alpha * other</c> (<c>x.add_</c>). The promoted result must be castable to this dtype.</summary>
    public Tensor Add_(Tensor other, Scalar? alpha = null)
    {
        NotNull(this, other);
        DType t = TypePromotion.ResultType([this, other]);
        CheckInPlace("add_", t, other);
        var b = ScaledByAlpha(Detached(other), alpha, t, "add_");
        return BinaryInPlace(t == DType.Bool ? B.LogicalOr : B.Add, b, t, "add_");
    }

    /// <summary>In place: <c>this -= alpha * other</c> (<c>x.sub_</c>); refused for bool operands.</summary>
    public Tensor Sub_(Tensor other, Scalar? alpha = null)
    {
        NotNull(this, other);
        CheckSub(this, other);
        DType t = TypePromotion.ResultType([this, other]);
        CheckInPlace("sub_", t, other);
        return BinaryInPlace(B.Sub, ScaledByAlpha(Detached(other), alpha, t, "sub_"), t, "sub_");
    }

    /// <summary>In place: <c>this *= other</c> (<c>x.mul_</c>).</summary>
    public Tensor Mul_(Tensor other)
    {
        NotNull(this, other);
        DType t = TypePromotion.ResultType([this, other]);
        var ip = Autograd.BeginInPlace(this, "mul_", [other], saveOriginal: other.RequiresGrad);
        BinaryInPlace(t == DType.Bool ? B.LogicalAnd : B.Mul, other, t, "mul_");
        if (ip.Active) ip.Finish(Derivatives.Mul, saved: [ip.Original ?? this /* unused when other needs no grad */, other]);
        return this;
    }

    /// <summary>
    /// In place: <c>this /= other</c> (<c>x.div_</c>). True division needs a floating-point tensor;
    /// with a rounding mode integer tensors work (see <see cref="Div(Tensor, string?)"/>).
    /// </summary>
    public Tensor Div_(Tensor other, string? roundingMode = null)
    {
        NotNull(this, other);
        DType t = TypePromotion.ResultType([this, other]);
        if (roundingMode is null) return BinaryInPlace(B.Div, other, t.ToFloating(), "div_");
        B op = DivRoundingOp(roundingMode, t);
        CheckNoIntegerZero("div_", this, other, t, roundingMode);
        return BinaryInPlace(op, other, t, "div_");
    }

    /// <summary>In place: <c>this = this ** exponent</c> (<c>x.pow_</c>).</summary>
    public Tensor Pow_(Tensor exponent)
    {
        NotNull(this, exponent);
        CheckInPlace("pow_", TypePromotion.ResultType([this, exponent]), exponent);
        return Assign(Pow(this, exponent));
    }

    /// <summary>In place: clamps every element to [min, max] (<c>x.clamp_</c>); see <see cref="Clamp(Tensor?, Tensor?)"/>.</summary>
    public Tensor Clamp_(Tensor? min = null, Tensor? max = null)
    {
        CheckInPlace("clamp_", ClampType(this, min, max), min, max);
        return Assign(Clamp(this, min, max));
    }

    /// <summary>In place: <c>this = lerp(this, end, weight)</c> (<c>x.lerp_</c>).</summary>
    public Tensor Lerp_(Tensor end, Tensor weight)
    {
        NotNull(this, end, weight);
        CheckLerp(this, end, weight);
        CheckInPlace("lerp_", DType, end, weight);
        return Assign(Lerp(this, end, weight));
    }

    /// <summary>In place: <c>this += value * tensor1 * tensor2</c> (<c>x.addcmul_</c>).</summary>
    public Tensor Addcmul_(Tensor tensor1, Tensor tensor2, Scalar? value = null)
    {
        NotNull(this, tensor1, tensor2);
        CheckInPlace("addcmul_", TypePromotion.ResultType([this, tensor1, tensor2]), tensor1, tensor2);
        return Assign(Addcmul(this, tensor1, tensor2, value));
    }

    /// <summary>In place: <c>this += value * tensor1 / tensor2</c> (<c>x.addcdiv_</c>).</summary>
    public Tensor Addcdiv_(Tensor tensor1, Tensor tensor2, Scalar? value = null)
    {
        NotNull(this, tensor1, tensor2);
        CheckInPlace("addcdiv_", TypePromotion.ResultType([this, tensor1, tensor2]), tensor1, tensor2);
        return Assign(Addcdiv(this, tensor1, tensor2, value));
    }

    /// <summary>
    /// In place: sets every element to <paramref name="value"/>, converted to this dtype (<c>x.fill_</c>;
    /// a float truncates into an integer tensor). As in PyTorch, an expanded view may be filled: every
    /// element gets the same value, so shared memory is harmless.
    /// </summary>
    public Tensor Fill_(Scalar value)
    {
        Backend.Fill(Storage, Layout, value);
        BumpVersion();
        return this;
    }

    /// <summary>In place: sets every element to zero (<c>x.zero_</c>).</summary>
    public Tensor Zero_() => Fill_(0);

    /// <summary>In place negation (<c>x.neg_</c>); refused for bool.</summary>
    public Tensor Neg_()
    {
        CheckNotBoolNeg(this, "neg_");
        return UnaryInPlace(U.Neg, "neg_");
    }

    /// <summary>In place absolute value (<c>x.abs_</c>).</summary>
    public Tensor Abs_() => NotBool("abs_").UnaryInPlace(U.Abs, "abs_");

    /// <summary>In place <c>max(x, 0)</c> (<c>x.relu_</c>).</summary>
    public Tensor Relu_()
    {
        if (DType == DType.Bool) throw new NotSupportedException("relu_: Boolean inputs not supported for relu.");
        return UnaryInPlace(U.Relu, "relu_");
    }

    /// <summary>In place e^x (<c>x.exp_</c>); floating-point tensors only.</summary>
    public Tensor Exp_() => UnaryInPlace(U.Exp, "exp_");
    /// <summary>In place natural logarithm (<c>x.log_</c>); floating-point tensors only.</summary>
    public Tensor Log_() => UnaryInPlace(U.Log, "log_");
    /// <summary>In place square root (<c>x.sqrt_</c>); floating-point tensors only.</summary>
    public Tensor Sqrt_() => UnaryInPlace(U.Sqrt, "sqrt_");
    /// <summary>In place sigmoid (<c>x.sigmoid_</c>); floating-point tensors only.</summary>
    public Tensor Sigmoid_() => UnaryInPlace(U.Sigmoid, "sigmoid_");
    /// <summary>In place tanh (<c>x.tanh_</c>); floating-point tensors only.</summary>
    public Tensor Tanh_() => UnaryInPlace(U.Tanh, "tanh_");
    /// <summary>In place 1 / x (<c>x.reciprocal_</c>); floating-point tensors only.</summary>
    public Tensor Reciprocal_() => UnaryInPlace(U.Reciprocal, "reciprocal_");
    /// <summary>In place floor (<c>x.floor_</c>); a no-op on integer tensors.</summary>
    public Tensor Floor_() => UnaryInPlace(U.Floor, "floor_");
    /// <summary>In place ceil (<c>x.ceil_</c>); a no-op on integer tensors.</summary>
    public Tensor Ceil_() => UnaryInPlace(U.Ceil, "ceil_");

    /// <summary>In place rounding, half to even, optionally to <paramref name="decimals"/> places (<c>x.round_</c>).</summary>
    public Tensor Round_(int decimals = 0)
    {
        if (decimals == 0) return UnaryInPlace(U.Round, "round_");
        CheckInPlace("round_", DType);
        return Assign(Round(decimals));
    }
}
