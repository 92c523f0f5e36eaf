namespace Ember.Tests;

/// <summary>
/// Non-contiguous inputs for tests, built straight from layouts so a family's tests do not depend on
/// the public view API of another family.
/// </summary>
internal static class TestViews
{
    /// <summary>A permuted view (no copy) whose elements equal <c>t.permute(dims)</c>.</summary>
    public static Tensor Permuted(Tensor t, params int[] dims) => t.WithLayout(t.Layout.Permute(dims));

    /// <summary>A strided slice view: <c>t.narrow(dim, start, length)</c> with a step.</summary>
    public static Tensor Sliced(Tensor t, int dim, int start, int length, int step = 1) => t.WithLayout(t.Layout.Slice(dim, start, length, step));

    /// <summary>A broadcast view (stride 0), as <c>t.expand(shape)</c>.</summary>
    public static Tensor Expanded(Tensor t, params int[] shape) => t.WithLayout(t.Layout.BroadcastTo(shape));

    /// <summary>
    /// The same values as <paramref name="t"/> but stored non-contiguously: the data is written into a
    /// buffer of twice the size of the last dim and viewed with a step of 2 along it.
    /// </summary>
    public static Tensor NonContiguous(Tensor t)
    {
        if (t.NDim == 0) return t;
        var shape = t.Shape.ToArray();
        var big = (int[])shape.Clone();
        big[^1] *= 2;
        var buf = Tensor.Zeros(big, t.DType);
        var view = Sliced(buf, t.NDim - 1, 0, shape[^1], 2);
        view.Copy_(t);
        return view;
    }
}
