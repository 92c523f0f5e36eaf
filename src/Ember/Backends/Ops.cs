namespace Ember.Backends;

/// <summary>Elementwise one-input kernels every backend provides.</summary>
internal enum UnaryOp
{
    Neg, Abs, Sign, Exp, Log, Log1p, Expm1, Sqrt, Rsqrt, Sin, Cos, Tanh, Sigmoid, Relu,
    Floor, Ceil, Round, Reciprocal, LogicalNot,
    Exp2, Log2, Log10, Trunc, BitwiseNot,
    Erf,
}

/// <summary>Elementwise two-input kernels every backend provides.</summary>
internal enum BinaryOp
{
    Add, Sub, Mul, Div, Pow, Maximum, Minimum,
    Eq, Ne, Lt, Le, Gt, Ge,
    LogicalAnd, LogicalOr, LogicalXor,
    DivTrunc, DivFloor, BitwiseAnd, BitwiseOr, BitwiseXor,

    /// <summary>ReLU's backward (internal, no public op): a = saved output, b = gradient; 0 where a &lt;= 0.</summary>
    ReluBackward,
}

internal static class UnaryOps
{
    /// <summary>True for ops defined only on floating-point inputs (the frontend converts others first).</summary>
    public static bool NeedsFloat(UnaryOp op) => op is UnaryOp.Exp or UnaryOp.Log or UnaryOp.Log1p or UnaryOp.Expm1
        or UnaryOp.Sqrt or UnaryOp.Rsqrt or UnaryOp.Sin or UnaryOp.Cos or UnaryOp.Tanh or UnaryOp.Sigmoid or UnaryOp.Reciprocal
        or UnaryOp.Exp2 or UnaryOp.Log2 or UnaryOp.Log10
        or UnaryOp.Erf;

    public static DType ResultType(UnaryOp op, DType input) => op == UnaryOp.LogicalNot ? DType.Bool : input;
}

internal static class BinaryOps
{
    public static bool IsComparison(BinaryOp op) => op is BinaryOp.Eq or BinaryOp.Ne or BinaryOp.Lt or BinaryOp.Le or BinaryOp.Gt or BinaryOp.Ge;

    public static bool IsLogical(BinaryOp op) => op is BinaryOp.LogicalAnd or BinaryOp.LogicalOr or BinaryOp.LogicalXor;

    public static DType ResultType(BinaryOp op, DType input) => IsComparison(op) || IsLogical(op) ? DType.Bool : input;
}
