using System.Text.Json;

namespace Ember.Tests.NN;

/// <summary>
/// Runs one case of tests/golden/nn_conv.py: loads its inputs (NAME_x and, when present, NAME_w and
/// NAME_b) as leaves that require grad, compares the output (and indices) with PyTorch's, then
/// back-propagates sum(y · NAME_gy) and compares every gradient.
/// </summary>
internal static class ConvGolden
{
    public static Golden G => Golden.Load("nn_conv");

    /// <summary>The printed module texts (the file's meta.repr).</summary>
    public static JsonElement Repr { get; } = Golden.Load("nn_conv").Meta.GetProperty("repr").Clone();

    public static void Check(string name, Func<Tensor, Tensor?, Tensor?, Tensor> fn, double? rtol = null, double? atol = null) =>
        Check(name, (x, w, b) => (fn(x, w, b), null), rtol, atol);

    public static void Check(string name, Func<Tensor, Tensor?, Tensor?, (Tensor Y, Tensor? Indices)> fn, double? rtol = null, double? atol = null)
    {
        var g = G;
        Tensor x = g[name + "_x"].RequiresGrad_();
        Tensor? w = g.Has(name + "_w") ? g[name + "_w"].RequiresGrad_() : null;
        Tensor? b = g.Has(name + "_b") ? g[name + "_b"].RequiresGrad_() : null;
        var (y, idx) = fn(x, w, b);
        TensorAssert.Close(g[name + "_y"], y.Detach(), rtol, atol);
        if (g.Has(name + "_idx")) TensorAssert.Equal(g[name + "_idx"], idx!);
        (y * g[name + "_gy"]).Sum().Backward();
        TensorAssert.Close(g[name + "_gx"], x.Grad!, rtol, atol);
        if (w is not null) TensorAssert.Close(g[name + "_gw"], w.Grad!, rtol, atol);
        if (b is not null) TensorAssert.Close(g[name + "_gb"], b.Grad!, rtol, atol);
    }
}
