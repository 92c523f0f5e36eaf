namespace Ember.Backends;

/// <summary>
/// The windows of a 2-D pooling over <see cref="Planes"/> planes of H x W, producing OH x OW: output
/// row i reads input rows <c>HStart[i], HStart[i] + HStep, ...</c> below <c>HEnd[i]</c>, already
/// clipped to the input (padding never contributes a value), and likewise for columns. Max pooling
/// uses the steps (its dilation); average pooling divides the window's sum by
/// <see cref="DivisorOverride"/> when it is positive, else by <c>HCount[i] · WCount[j]</c> (or by each
/// in turn when <see cref="DivideSeparately"/>, as PyTorch's adaptive pooling does). Fixed and
/// adaptive windows alike fit this description, so one kernel serves both.
/// </summary>
internal sealed class PoolWindows
{
    public int Planes, H, W, OH, OW;
    public int HStep = 1, WStep = 1;
    public int[] HStart = [], HEnd = [], WStart = [], WEnd = [];
    public int[] HCount = [], WCount = [];
    public int DivisorOverride;
    public bool DivideSeparately;
}

// Pooling: direct loops over planes. Every layout is contiguous ([planes, H, W] and [planes, OH, OW]
// with offsets); indices are int64 positions within a plane (h · W + w), as PyTorch returns them.
internal partial interface IBackend
{
    /// <summary>y = the maximum of each window and idx its position (the last NaN wins, as PyTorch's kernel).</summary>
    void MaxPool2d(Storage x, Layout xLayout, Storage y, Layout yLayout, Storage indices, Layout indicesLayout, PoolWindows p);

    /// <summary>
    /// gx (overwritten, [planes, inPlane]) = the sum of gy [planes, outPlane] scattered to the positions
    /// in the int64 <paramref name="indices"/> (same shape as gy; every index is inside the plane).
    /// </summary>
    void MaxPool2dBackward(Storage gy, Layout gyLayout, Storage indices, Layout indicesLayout, Storage gx, Layout gxLayout,
        int planes, int inPlane, int outPlane);

    /// <summary>y = the average of each window.</summary>
    void AvgPool2d(Storage x, Layout xLayout, Storage y, Layout yLayout, PoolWindows p);

    /// <summary>gx (overwritten) = each gy element divided as in <see cref="AvgPool2d"/> and added to every element of its window.</summary>
    void AvgPool2dBackward(Storage gy, Layout gyLayout, Storage gx, Layout gxLayout, PoolWindows p);
}
