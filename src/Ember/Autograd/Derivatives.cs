using Ember.Graph;

namespace Ember;

/// <summary>
/// The derivative table: one <see cref="Rule"/> per differentiable primitive, each a short formula in
/// tensor operations. The table is one static class split by family (<c>Derivatives.*.cs</c>); tests
/// enumerate its fields, so a rule added without a gradcheck case fails the suite.
/// </summary>
/// <remarks>
/// Conventions every formula follows:
/// <list type="bullet">
/// <item>It returns one gradient per recorded input, in the order the op recorded them, and null for
/// inputs whose <see cref="BackwardContext.NeedsGrad"/> is false when that saves work.</item>
/// <item>A gradient may come back in the broadcast (output) shape; the engine sums it to the input's
/// shape and casts it to the input's dtype. No formula un-broadcasts.</item>
/// <item>It uses public tensor ops only, so under <c>createGraph</c> it is recorded and can be
/// differentiated again.</item>
/// </list>
/// </remarks>
internal static partial class Derivatives
{
    private static IReadOnlyDictionary<string, Rule>? s_all;

    /// <summary>Every rule in the table, by field name. Built on first use: field initialisers in partial files run in no set order.</summary>
    public static IReadOnlyDictionary<string, Rule> All => s_all ??=
        typeof(Derivatives).GetFields(System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.Public)
            .Where(f => f.FieldType == typeof(Rule))
            .ToDictionary(f => f.Name, f => (Rule)f.GetValue(null)!);
}
