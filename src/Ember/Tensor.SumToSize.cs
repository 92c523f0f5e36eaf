namespace Ember;

public partial class Tensor
{
    /// <summary>True when a tensor of shape <paramref name="shape"/> broadcasts to <paramref name="target"/>.</summary>
    internal static bool IsExpandableTo(ReadOnlySpan<int> shape, ReadOnlySpan<int> target)
    {
        if (shape.Length > target.Length) return false;
        int lead = target.Length - shape.Length;
        for (int i = 0; i < shape.Length; i++)
            if (shape[i] != 1 && shape[i] != target[i + lead]) return false;
        return true;
    }

    /// <summary>
    /// Sums this tensor down to <paramref name="shape"/>, the inverse of broadcasting it there
    /// (<c>x.sum_to_size(shape)</c>): leading dims are summed away, size-1 dims summed with keepDim.
    /// </summary>
    public Tensor SumToSize(params int[] shape)
    {
        if (!IsExpandableTo(shape, Layout.Shape))
            throw new ArgumentException($"sum_to_size: size {Ember.Shape.Format(shape)} is not expandable to size {Shape}.");
        int lead = NDim - shape.Length;
        var dims = new List<int>();
        for (int i = 0; i < NDim; i++)
            if (i < lead || (shape[i - lead] == 1 && Layout.Shape[i] != 1)) dims.Add(i);
        var r = dims.Count == 0 ? this : Sum(dims.ToArray(), keepDim: true);
        return lead == 0 ? r : r.Reshape(shape);
    }
}
