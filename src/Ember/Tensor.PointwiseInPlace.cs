using Ember.Jit;
using Ember.Backends;
using U = Ember.Backends.UnaryOp;
using B = Ember.Backends.BinaryOp;

namespace Ember;

// In-place pointwise ops (trailing underscore, as PyTorch). Each one checks, before writing
// anything: the tensor is writable (no expanded/overlapping elements), the other operands broadcast
// to its shape, and the op's result type can be cast to its dtype. Then it writes and bumps the
// storage version so autograd can detect the change.
public partial class Tensor
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

    private Tensor UnaryInPlace(U op, string name, Graph.Rule rule, Save save)
    {
        DType compute = UnaryOps.NeedsFloat(op) ? DType.ToFloating() : DType;
        CheckInPlace(name, UnaryOps.ResultType(op, compute));
        var ip = Autograd.BeginInPlace(this, name, []);
        var original = save == Save.Input ? Original(ip) : null;
        Backend.Unary(op, Storage, Layout, Storage, Layout);
        BumpVersion();
        if (ip.Active) ip.Finish(rule, saved: save switch { Save.Input => [original!], Save.Output => [this], _ => default });
        return this;
    }

    // The values an in-place op is about to overwrite, for a formula that needs them (call before the
    // write; null when nothing is recorded). A recorded copy (x * 1) rather than the engine's detached
    // clone, so that under createGraph the formula is differentiated through it too, as PyTorch's
    // original_self is: second derivatives of log_, pow_, clamp_... are then right.
    private Tensor? Original(in Autograd.InPlace ip) => ip.Active ? this * 1.0 : null;

    // An operand a formula needs, as it is before the write: when it shares this tensor's storage
    // (y.Mul_(y)), the write would change it under the saved reference, so a recorded copy is kept.
    // (PyTorch refuses such a backward with its "modified by an inplace operation" error.)
    private Tensor Kept(Tensor other, in Autograd.InPlace ip) =>
        ip.Active && !other.IsWrappedNumber && ReferenceEquals(other.Storage, Storage) ? other * 1.0 : other;

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
        if (Tracer.IsActive) return Tracer.Record("aten::add_", [this, other], new Attributes().Set("alpha", alpha), static (x, a) => [x[0]!.Add_(x[1]!, a["alpha"] as Scalar?)]);
        DType t = TypePromotion.ResultType([this, other]);
        CheckInPlace("add_", t, other);
        var ip = Autograd.BeginInPlace(this, "add_", [other]);
        using (Autograd.NoGrad())
            BinaryInPlace(t == DType.Bool ? B.LogicalOr : B.Add, ScaledByAlpha(Detached(other), alpha, t, "add_"), t, "add_");
        ip.Finish(Derivatives.Add, state: AlphaValue(alpha));
        return this;
    }

    /// <summary>In place: <c>this -= alpha * other</c> (<c>x.sub_</c>); refused for bool operands.</summary>
    public Tensor Sub_(Tensor other, Scalar? alpha = null)
    {
        NotNull(this, other);
        CheckSub(this, other);
        DType t = TypePromotion.ResultType([this, other]);
        CheckInPlace("sub_", t, other);
        var ip = Autograd.BeginInPlace(this, "sub_", [other]);
        using (Autograd.NoGrad())
            BinaryInPlace(B.Sub, ScaledByAlpha(Detached(other), alpha, t, "sub_"), t, "sub_");
        ip.Finish(Derivatives.Sub, state: AlphaValue(alpha));
        return this;
    }

    /// <summary>In place: <c>this *= other</c> (<c>x.mul_</c>).</summary>
    public Tensor Mul_(Tensor other)
    {
        NotNull(this, other);
        DType t = TypePromotion.ResultType([this, other]);
        var ip = Autograd.BeginInPlace(this, "mul_", [other]);
        var original = other.RequiresGrad ? Original(ip) : null;
        var kept = Kept(other, ip);
        using (Autograd.NoGrad()) BinaryInPlace(t == DType.Bool ? B.LogicalAnd : B.Mul, other, t, "mul_");
        if (ip.Active) ip.Finish(Derivatives.Mul, saved: [original ?? this /* unused when other needs no grad */, kept]);
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
        if (roundingMode is null)
        {
            // The divisor's gradient needs the dividend as it was before the write.
            var ipd = Autograd.BeginInPlace(this, "div_", [other]);
            var original = other.RequiresGrad ? Original(ipd) : null;
            var kept = Kept(other, ipd);
            using (Autograd.NoGrad()) BinaryInPlace(B.Div, other, t.ToFloating(), "div_");
            if (ipd.Active) ipd.Finish(Derivatives.Div, saved: [original ?? this /* unused when other needs no grad */, kept]);
            return this;
        }
        B op = DivRoundingOp(roundingMode, t);
        CheckNoIntegerZero("div_", this, other, t, roundingMode);
        var ip = Autograd.BeginInPlace(this, "div_", [other]);
        using (Autograd.NoGrad()) BinaryInPlace(op, other, t, "div_");
        ip.Finish(Derivatives.DivRounding);
        return this;
    }

    /// <summary>In place: <c>this = this ** exponent</c> (<c>x.pow_</c>).</summary>
    public Tensor Pow_(Tensor exponent)
    {
        NotNull(this, exponent);
        CheckInPlace("pow_", TypePromotion.ResultType([this, exponent]), exponent);
        var ip = Autograd.BeginInPlace(this, "pow_", [exponent]);
        var original = Original(ip);
        var kept = Kept(exponent, ip);
        using (Autograd.NoGrad()) Assign(Pow(this, exponent));
        if (!ip.Active) return this;
        if (exponent.IsWrappedNumber) ip.Finish(Derivatives.Pow, saved: [original!], state: exponent.Item().ToDouble());
        else ip.Finish(Derivatives.PowTensor, saved: [original!, kept, this]);
        return this;
    }

    /// <summary>In place: clamps every element to [min, max] (<c>x.clamp_</c>); see <see cref="Clamp(Tensor?, Tensor?)"/>.</summary>
    public Tensor Clamp_(Tensor? min = null, Tensor? max = null)
    {
        CheckInPlace("clamp_", ClampType(this, min, max), min, max);
        var ip = Autograd.BeginInPlace(this, "clamp_", [min, max]);
        var x = Original(ip);
        Tensor? keptMin = min is null ? null : Kept(min, ip), keptMax = max is null ? null : Kept(max, ip);
        using (Autograd.NoGrad()) Assign(ClampForward(this, min, max));
        if (x is null) return this;
        bool numbers = (min is null || min.IsWrappedNumber) && (max is null || max.IsWrappedNumber);
        ip.Finish(numbers ? Derivatives.Clamp : Derivatives.ClampTensor, saved: [x, keptMin ?? x, keptMax ?? x],
            state: new Derivatives.ClampBounds(min is not null, max is not null));
        return this;
    }

    /// <summary>In place: <c>this = lerp(this, end, weight)</c> (<c>x.lerp_</c>).</summary>
    public Tensor Lerp_(Tensor end, Tensor weight)
    {
        NotNull(this, end, weight);
        CheckLerp(this, end, weight);
        CheckInPlace("lerp_", DType, end, weight);
        // The weight's gradient needs the start values as they were before the write.
        var ip = Autograd.BeginInPlace(this, "lerp_", weight.IsWrappedNumber ? [end] : [end, weight]);
        var original = !weight.IsWrappedNumber && weight.RequiresGrad ? Original(ip) : null;
        Tensor keptEnd = Kept(end, ip), keptWeight = Kept(weight, ip);
        using (Autograd.NoGrad()) Assign(Lerp(this, end, weight));
        if (!ip.Active) return this;
        if (weight.IsWrappedNumber) ip.Finish(Derivatives.Lerp, state: weight.Item().ToDouble());
        else ip.Finish(Derivatives.LerpTensor, saved: [original ?? this /* unused when weight needs no grad */, keptEnd, keptWeight]);
        return this;
    }

    /// <summary>In place: <c>this += value * tensor1 * tensor2</c> (<c>x.addcmul_</c>).</summary>
    public Tensor Addcmul_(Tensor tensor1, Tensor tensor2, Scalar? value = null)
    {
        NotNull(this, tensor1, tensor2);
        CheckInPlace("addcmul_", TypePromotion.ResultType([this, tensor1, tensor2]), tensor1, tensor2);
        var ip = Autograd.BeginInPlace(this, "addcmul_", [tensor1, tensor2]);
        Tensor kept1 = Kept(tensor1, ip), kept2 = Kept(tensor2, ip);
        using (Autograd.NoGrad()) Assign(Addcmul(this, tensor1, tensor2, value));
        ip.Finish(Derivatives.Addcmul, saved: [kept1, kept2], state: value?.ToDouble() ?? 1.0);
        return this;
    }

    /// <summary>In place: <c>this += value * tensor1 / tensor2</c> (<c>x.addcdiv_</c>).</summary>
    public Tensor Addcdiv_(Tensor tensor1, Tensor tensor2, Scalar? value = null)
    {
        NotNull(this, tensor1, tensor2);
        CheckInPlace("addcdiv_", TypePromotion.ResultType([this, tensor1, tensor2]), tensor1, tensor2);
        var ip = Autograd.BeginInPlace(this, "addcdiv_", [tensor1, tensor2]);
        Tensor kept1 = Kept(tensor1, ip), kept2 = Kept(tensor2, ip);
        using (Autograd.NoGrad()) Assign(Addcdiv(this, tensor1, tensor2, value));
        ip.Finish(Derivatives.Addcdiv, saved: [kept1, kept2], state: value?.ToDouble() ?? 1.0);
        return this;
    }

    /// <summary>
    /// In place: sets every element to <paramref name="value"/>, converted to this dtype (<c>x.fill_</c>;
    /// a float truncates into an integer tensor). As in PyTorch, an expanded view may be filled: every
    /// element gets the same value, so shared memory is harmless.
    /// </summary>
    /// <remarks>Under autograd the tensor becomes a constant: what it held before gets a zero gradient (FillBackward2).</remarks>
    public Tensor Fill_(Scalar value) => Fill(value, "fill_", Derivatives.Fill);

    /// <summary>In place: sets every element to zero (<c>x.zero_</c>); under autograd its old values get a zero gradient (ZeroBackward0).</summary>
    public Tensor Zero_() => Fill(0, "zero_", Derivatives.Zero);

    private Tensor Fill(Scalar value, string name, Graph.Rule rule)
    {
        var ip = Autograd.BeginInPlace(this, name, []);
        Backend.Fill(Storage, Layout, value);
        BumpVersion();
        ip.Finish(rule);
        return this;
    }

    /// <summary>In place negation (<c>x.neg_</c>); refused for bool.</summary>
    public Tensor Neg_()
    {
        CheckNotBoolNeg(this, "neg_");
        return UnaryInPlace(U.Neg, "neg_", Derivatives.Neg, Save.None);
    }

    /// <summary>In place absolute value (<c>x.abs_</c>).</summary>
    public Tensor Abs_() => NotBool("abs_").UnaryInPlace(U.Abs, "abs_", Derivatives.Abs, Save.Input);

    /// <summary>In place <c>max(x, 0)</c> (<c>x.relu_</c>).</summary>
    public Tensor Relu_()
    {
        if (DType == DType.Bool) throw new NotSupportedException("relu_: Boolean inputs not supported for relu.");
        return UnaryInPlace(U.Relu, "relu_", Derivatives.Relu, Save.Output);
    }

    /// <summary>In place e^x (<c>x.exp_</c>); floating-point tensors only.</summary>
    public Tensor Exp_() => UnaryInPlace(U.Exp, "exp_", Derivatives.Exp, Save.Output);
    /// <summary>In place natural logarithm (<c>x.log_</c>); floating-point tensors only.</summary>
    public Tensor Log_() => UnaryInPlace(U.Log, "log_", Derivatives.Log, Save.Input);
    /// <summary>In place square root (<c>x.sqrt_</c>); floating-point tensors only.</summary>
    public Tensor Sqrt_() => UnaryInPlace(U.Sqrt, "sqrt_", Derivatives.Sqrt, Save.Output);
    /// <summary>In place sigmoid (<c>x.sigmoid_</c>); floating-point tensors only.</summary>
    public Tensor Sigmoid_() => UnaryInPlace(U.Sigmoid, "sigmoid_", Derivatives.Sigmoid, Save.Output);
    /// <summary>In place tanh (<c>x.tanh_</c>); floating-point tensors only.</summary>
    public Tensor Tanh_() => UnaryInPlace(U.Tanh, "tanh_", Derivatives.Tanh, Save.Output);
    /// <summary>In place 1 / x (<c>x.reciprocal_</c>); floating-point tensors only.</summary>
    public Tensor Reciprocal_() => UnaryInPlace(U.Reciprocal, "reciprocal_", Derivatives.Reciprocal, Save.Output);
    /// <summary>In place floor (<c>x.floor_</c>); a no-op on integer tensors.</summary>
    public Tensor Floor_() => UnaryInPlace(U.Floor, "floor_", Derivatives.Floor, Save.None);
    /// <summary>In place ceil (<c>x.ceil_</c>); a no-op on integer tensors.</summary>
    public Tensor Ceil_() => UnaryInPlace(U.Ceil, "ceil_", Derivatives.Ceil, Save.None);

    /// <summary>In place rounding, half to even, optionally to <paramref name="decimals"/> places (<c>x.round_</c>).</summary>
    public Tensor Round_(int decimals = 0)
    {
        if (decimals == 0) return UnaryInPlace(U.Round, "round_", Derivatives.Round, Save.None);
        CheckInPlace("round_", DType);
        var ip = Autograd.BeginInPlace(this, "round_", []);
        using (Autograd.NoGrad()) Assign(Round(decimals));
        ip.Finish(Derivatives.RoundDecimals);
        return this;
    }
}
