using System.Globalization;

namespace Ember.Jit;

/// <summary>
/// A size that may depend on a dynamic dimension: <c>Coefficient * Symbol + Constant</c>, or just
/// <see cref="Constant"/> when <see cref="Symbol"/> is null. Traced shapes and size attributes use it so a
/// graph traced at batch 4 replays at batch 7.
/// </summary>
/// <param name="Constant">The constant part (the whole size when static).</param>
/// <param name="Symbol">The dynamic dimension's name (for example <c>"batch"</c>), or null for a static size.</param>
/// <param name="Coefficient">How many times the symbol counts (1 for the batch dim itself, 16 for batch × 16 heads).</param>
public readonly record struct SymInt(long Constant, string? Symbol = null, long Coefficient = 0)
{
    /// <summary>True when the size does not depend on any dynamic dimension.</summary>
    public bool IsStatic => Symbol is null;

    /// <summary>A static size.</summary>
    public static implicit operator SymInt(long value) => new(value);

    /// <summary>The size for the given values of the dynamic dimensions.</summary>
    /// <exception cref="InvalidOperationException">The symbol has no value.</exception>
    public long Evaluate(IReadOnlyDictionary<string, long>? symbols)
    {
        if (Symbol is null) return Constant;
        if (symbols is null || !symbols.TryGetValue(Symbol, out long v))
            throw new InvalidOperationException($"SymInt: no value for the dynamic dimension '{Symbol}'.");
        return Coefficient * v + Constant;
    }

    /// <summary>As TorchScript would print it: <c>6</c>, <c>batch</c>, <c>16*batch</c>, <c>batch+1</c>.</summary>
    public override string ToString()
    {
        if (Symbol is null) return Constant.ToString(CultureInfo.InvariantCulture);
        string term = Coefficient == 1 ? Symbol : Coefficient.ToString(CultureInfo.InvariantCulture) + "*" + Symbol;
        return Constant == 0 ? term : Constant > 0 ? $"{term}+{Constant}" : $"{term}{Constant}";
    }

    /// <summary>
    /// The linear size through two observations (value <paramref name="a"/> at symbol value <paramref name="sa"/>,
    /// <paramref name="b"/> at <paramref name="sb"/>); null when the pair gives a fractional coefficient.
    /// </summary>
    internal static SymInt? Fit(string symbol, long sa, long a, long sb, long b)
    {
        if (a == b) return new SymInt(a);
        long dv = b - a, ds = sb - sa;
        if (ds == 0 || dv % ds != 0) return null;
        long k = dv / ds;
        return new SymInt(a - k * sa, symbol, k);
    }
}
