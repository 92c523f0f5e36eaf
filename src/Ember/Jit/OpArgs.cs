using Ember.NN;

namespace Ember.Jit;

/// <summary>Conversions between the argument types of Ember's ops and the plain values attributes hold.</summary>
internal static class OpArgs
{
    /// <summary>An (int, int) pair from a two-element attribute.</summary>
    internal static IntOrPair Pair(int[] a) => (a[0], a[1]);

    /// <summary>A convolution padding: a mode name ("same", "valid") or sizes.</summary>
    internal static ConvPadding Padding(object? a) => a is string s ? s : Pair((int[])a!);

    /// <summary>The attribute form of a convolution padding.</summary>
    internal static object Padding(ConvPadding p) => p.Mode ?? (object)p.Size.ToArray();
}
