namespace Ember;

// C# operators. Numbers convert implicitly to wrapped 0-d tensors, so x + 2, 2 * x and x < 0.5 work.
//
// == and != are deliberately NOT overloaded: they keep reference equality, which collections,
// pattern matching (t is null) and user code rely on. Use Eq/Ne for elementwise comparison.
// C# requires < with > and <= with >=, which all return bool tensors here.
public partial class Tensor
{
    /// <summary>Elementwise sum with broadcasting (<see cref="Add(Tensor, Tensor, Scalar?)"/>).</summary>
    public static Tensor operator +(Tensor a, Tensor b) => Add(a, b);
    /// <summary>Elementwise difference (<see cref="Sub(Tensor, Tensor, Scalar?)"/>); refused for bool tensors.</summary>
    public static Tensor operator -(Tensor a, Tensor b) => Sub(a, b);
    /// <summary>Elementwise product (<see cref="Mul(Tensor, Tensor)"/>).</summary>
    public static Tensor operator *(Tensor a, Tensor b) => Mul(a, b);
    /// <summary>True division (<see cref="Div(Tensor, Tensor, string?)"/>): integer tensors give floats, as Python's <c>/</c>.</summary>
    public static Tensor operator /(Tensor a, Tensor b) => Div(a, b);
    /// <summary>Negation (<see cref="Neg()"/>).</summary>
    public static Tensor operator -(Tensor a) => NonNull(a).Neg();

    /// <summary>Elementwise <c>a &lt; b</c> as a bool tensor.</summary>
    public static Tensor operator <(Tensor a, Tensor b) => Lt(a, b);
    /// <summary>Elementwise <c>a &gt; b</c> as a bool tensor.</summary>
    public static Tensor operator >(Tensor a, Tensor b) => Gt(a, b);
    /// <summary>Elementwise <c>a &lt;= b</c> as a bool tensor.</summary>
    public static Tensor operator <=(Tensor a, Tensor b) => Le(a, b);
    /// <summary>Elementwise <c>a &gt;= b</c> as a bool tensor.</summary>
    public static Tensor operator >=(Tensor a, Tensor b) => Ge(a, b);

    /// <summary>Bitwise and, which is the logical and on bool tensors (Python's <c>&amp;</c>).</summary>
    public static Tensor operator &(Tensor a, Tensor b) => NonNull(a).BitwiseAnd(b);
    /// <summary>Bitwise or, which is the logical or on bool tensors (Python's <c>|</c>).</summary>
    public static Tensor operator |(Tensor a, Tensor b) => NonNull(a).BitwiseOr(b);
    /// <summary>Bitwise exclusive or, the logical xor on bool tensors (Python's <c>^</c>).</summary>
    public static Tensor operator ^(Tensor a, Tensor b) => NonNull(a).BitwiseXor(b);
    /// <summary>Bitwise not: logical not on bool tensors, ones' complement on integers (Python's <c>~</c>).</summary>
    public static Tensor operator ~(Tensor a) => NonNull(a).BitwiseNot();
    /// <summary>Logical not of any tensor (zero becomes true), giving a bool tensor (<see cref="LogicalNot()"/>).</summary>
    public static Tensor operator !(Tensor a) => NonNull(a).LogicalNot();

    private static Tensor NonNull(Tensor a)
    {
        ArgumentNullException.ThrowIfNull(a);
        return a;
    }
}
