using System.Reflection;

namespace Ember.Tests.Autograd;

/// <summary>
/// One gradcheck case for one row of the derivative table: <see cref="Rule"/> is the field name in
/// <c>Derivatives</c>, <see cref="Fn"/> the function checked, <see cref="Inputs"/> makes fresh float64
/// inputs (some requiring grad). <see cref="GradGrad"/> also runs gradgradcheck.
/// </summary>
public sealed record GradCase(string Rule, string Label, Func<Tensor[], Tensor> Fn, Func<Tensor[]> Inputs, bool GradGrad = false)
{
    public string Id => $"{Rule}: {Label}";
    public override string ToString() => Id;
}

/// <summary>
/// All gradcheck cases. Each family adds a static method returning <c>IEnumerable&lt;GradCase&gt;</c>
/// in its own file (<c>GradCases.Pointwise.cs</c>, ...); they are collected by reflection.
/// </summary>
public static partial class GradCases
{
    private static List<GradCase>? s_all;

    public static IReadOnlyList<GradCase> All => s_all ??= typeof(GradCases)
        .GetMethods(BindingFlags.Static | BindingFlags.NonPublic | BindingFlags.Public)
        .Where(m => m.ReturnType == typeof(IEnumerable<GradCase>) && m.GetParameters().Length == 0)
        .SelectMany(m => (IEnumerable<GradCase>)m.Invoke(null, null)!)
        .ToList();

    // ---- input makers: float64, fixed seeds, so every run checks the same points.

    private static int s_seed = 1000;

    /// <summary>A float64 tensor of standard normal values that requires grad.</summary>
    public static Tensor R(params int[] shape) => Tensor.Randn(shape, dtype: DType.Float64, generator: new Generator((ulong)Interlocked.Increment(ref s_seed))).RequiresGrad_();

    /// <summary>Like <see cref="R"/> but with values in [lo, hi) (for ops with restricted domains).</summary>
    public static Tensor U(double lo, double hi, params int[] shape) =>
        (Tensor.Rand(shape, dtype: DType.Float64, generator: new Generator((ulong)Interlocked.Increment(ref s_seed))) * (hi - lo) + lo).Detach().RequiresGrad_();

    /// <summary>A non-contiguous leaf (a strided view over a larger buffer) with standard normal values that requires grad.</summary>
    public static Tensor NC(params int[] shape) => TestViews.NonContiguous(R(shape).Detach()).RequiresGrad_();

    /// <summary>A transposed (permuted) leaf that requires grad: shape is the shape after transposing the last two dims.</summary>
    public static Tensor T(params int[] shape)
    {
        var s = (int[])shape.Clone();
        (s[^1], s[^2]) = (s[^2], s[^1]);
        return R(s).Detach().Transpose(-1, -2).RequiresGrad_();
    }

    /// <summary>A float64 tensor that does not require grad.</summary>
    public static Tensor C(params int[] shape) => R(shape).Detach();

    /// <summary>Shorthand for a case.</summary>
    public static GradCase Case(string rule, string label, Func<Tensor[], Tensor> fn, Func<Tensor[]> inputs, bool gradGrad = false) =>
        new(rule, label, fn, inputs, gradGrad);
}
