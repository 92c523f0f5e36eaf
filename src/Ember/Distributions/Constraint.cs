namespace Ember.Distributions;

/// <summary>
/// A set of values a parameter or sample must lie in (<c>torch.distributions.constraints</c>).
/// <see cref="Check"/> answers element by element, as PyTorch's <c>constraint.check(value)</c>.
/// </summary>
public abstract partial class Constraint
{
    /// <summary>True for constraints over integers (the support of a discrete distribution).</summary>
    public virtual bool IsDiscrete => false;

    /// <summary>How many rightmost dims form one event the constraint judges as a whole (a simplex judges a last-dim vector).</summary>
    public virtual int EventDim => 0;

    /// <summary>A bool tensor: true where <paramref name="value"/> satisfies the constraint (over the batch dims, one answer per event).</summary>
    public abstract Tensor Check(Tensor value);

    /// <summary>The constraint as PyTorch prints it in validation messages (<c>Real()</c>, <c>GreaterThan(lower_bound=0.0)</c>).</summary>
    public abstract override string ToString();

    /// <summary>Any real number, not NaN (<c>constraints.real</c>).</summary>
    public static Constraint Real { get; } = new Lambda("Real()", x => x.Eq(x));

    /// <summary>Strictly positive reals (<c>constraints.positive</c>).</summary>
    public static Constraint Positive { get; } = new Lambda("GreaterThan(lower_bound=0.0)", x => x > 0.0);

    /// <summary>Non-negative reals (<c>constraints.nonnegative</c>).</summary>
    public static Constraint NonNegative { get; } = new Lambda("GreaterThanEq(lower_bound=0.0)", x => x >= 0.0);

    /// <summary>Non-negative integers (<c>constraints.nonnegative_integer</c>).</summary>
    public static Constraint NonNegativeInteger { get; } = new Lambda("IntegerGreaterThan(lower_bound=0)", x => x.Remainder1().Eq(0.0).LogicalAnd(x >= 0.0), discrete: true);

    /// <summary>Real vectors along the last dim, not NaN (<c>constraints.real_vector</c>).</summary>
    public static Constraint RealVector { get; } = Independent(Real, 1);

    /// <summary>Reals above <paramref name="lower"/> (<c>constraints.greater_than(lower)</c>).</summary>
    public static Constraint GreaterThan(double lower) => new Lambda($"GreaterThan(lower_bound={lower:0.0###})", x => x > lower);

    /// <summary>Reals at least <paramref name="lower"/> (<c>constraints.greater_than_eq(lower)</c>).</summary>
    public static Constraint GreaterThanEq(Tensor lower) => new Lambda($"GreaterThanEq(lower_bound={lower})", x => x >= lower);

    /// <summary>Reals in [<paramref name="lower"/>, <paramref name="upper"/>] (<c>constraints.interval</c>).</summary>
    public static Constraint Interval(double lower, double upper) => new Lambda($"Interval(lower_bound={lower:0.0###}, upper_bound={upper:0.0###})",
        x => (x >= lower).LogicalAnd(x <= upper));

    /// <summary>Integers in [<paramref name="lower"/>, <paramref name="upper"/>] with a tensor upper bound (<c>constraints.integer_interval(0, total_count)</c>).</summary>
    public static Constraint IntegerInterval(long lower, Tensor upper) => new Lambda($"IntegerInterval(lower_bound={lower}, upper_bound={upper})",
        x => (x.Remainder1().Eq(0.0)).LogicalAnd(x >= (double)lower).LogicalAnd(x <= upper), discrete: true);

    /// <summary>Non-negative count vectors along the last dim summing to at most <paramref name="upper"/> (<c>constraints.multinomial(upper)</c>).</summary>
    public static Constraint MultinomialCounts(long upper) => new Lambda("Multinomial()",
        x => (x >= 0.0).All(-1).LogicalAnd(x.Sum(-1) <= (double)upper), discrete: true, eventDim: 1);

    /// <summary>[0, 1] (<c>constraints.unit_interval</c>).</summary>
    public static Constraint UnitInterval { get; } = new Lambda("Interval(lower_bound=0.0, upper_bound=1.0)", x => (x >= 0.0).LogicalAnd(x <= 1.0));

    /// <summary>0 or 1 (<c>constraints.boolean</c>).</summary>
    public static Constraint Boolean { get; } = new Lambda("Boolean()", x => (x.Eq(0.0)).LogicalOr(x.Eq(1.0)), discrete: true);

    /// <summary>Non-negative vectors along the last dim summing to 1 within 1e-6 (<c>constraints.simplex</c>).</summary>
    public static Constraint Simplex { get; } = new Lambda("Simplex()",
        x => (x >= 0.0).All(-1).LogicalAnd((x.Sum(-1) - 1.0).Abs() < 1e-6), eventDim: 1);

    /// <summary>Vectors of zeros with a single one along the last dim (<c>constraints.one_hot</c>).</summary>
    public static Constraint OneHot { get; } = new Lambda("OneHot()",
        x => ((x.Eq(0.0)).LogicalOr(x.Eq(1.0))).All(-1).LogicalAnd(x.Sum(-1).Eq(1.0)), discrete: true, eventDim: 1);

    /// <summary>Integers in [<paramref name="lower"/>, <paramref name="upper"/>] (<c>constraints.integer_interval</c>).</summary>
    public static Constraint IntegerInterval(long lower, long upper) => new Lambda($"IntegerInterval(lower_bound={lower}, upper_bound={upper})",
        x => (x.Remainder1().Eq(0.0)).LogicalAnd(x >= (double)lower).LogicalAnd(x <= (double)upper), discrete: true);

    /// <summary>Reals in [<paramref name="lower"/>, <paramref name="upper"/>) (<c>constraints.half_open_interval</c>).</summary>
    public static Constraint HalfOpenInterval(Tensor lower, Tensor upper) => new Lambda($"HalfOpenInterval(lower_bound={lower}, upper_bound={upper})",
        x => (x >= lower).LogicalAnd(x < upper));

    /// <summary><paramref name="inner"/> judged over <paramref name="reinterpretedDims"/> more rightmost dims, all of which must hold (<c>constraints.independent</c>).</summary>
    public static Constraint Independent(Constraint inner, int reinterpretedDims) => new IndependentConstraint(inner, reinterpretedDims);

    private sealed class Lambda(string name, Func<Tensor, Tensor> check, bool discrete = false, int eventDim = 0) : Constraint
    {
        public override bool IsDiscrete => discrete;
        public override int EventDim => eventDim;
        public override Tensor Check(Tensor value) => check(value);
        public override string ToString() => name;
    }

    private sealed class IndependentConstraint(Constraint inner, int n) : Constraint
    {
        public override bool IsDiscrete => inner.IsDiscrete;
        public override int EventDim => inner.EventDim + n;
        public override Tensor Check(Tensor value)
        {
            var r = inner.Check(value);
            if (r.NDim < n) throw new ArgumentException($"independent constraint: expected value to have at least {n} dims more than the event, got shape {value.Shape}.");
            for (int i = 0; i < n; i++) r = r.All(-1);
            return r;
        }
        public override string ToString() => $"IndependentConstraint({inner}, {n})";
    }
}

internal static class ConstraintTensorExtensions
{
    // x % 1 without a remainder op: integers are where x equals its floor.
    public static Tensor Remainder1(this Tensor x) => x - x.Floor();
}
