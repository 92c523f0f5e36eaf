using System.Diagnostics.CodeAnalysis;

namespace Ember;

// Small members that PyTorch code uses everywhere and that a port should not have to spell differently:
// x.data, x.is_cuda, iterating over a tensor's first dimension, float(x) / int(x).
public partial class Tensor
{
    /// <summary>
    /// The tensor's data without its autograd history (<c>x.data</c>): a tensor sharing this one's storage
    /// that does not require grad, so writes through it are not recorded. Setting it
    /// (<c>x.data = y</c>) makes this tensor use <paramref name="value"/>'s storage and shape while it
    /// stays the same object (a parameter stays the parameter an optimizer holds).
    /// </summary>
    /// <remarks>
    /// Unlike PyTorch, Ember keeps one version counter per storage, so an in-place write through
    /// <c>Data</c> to a tensor that backward still needs is reported at backward, where PyTorch would
    /// silently use the new values; <see cref="Autograd.NoGrad"/> and <see cref="Detach()"/> are the usual
    /// alternatives.
    /// </remarks>
    /// <exception cref="ArgumentException">The new value is on another device.</exception>
    [AllowNull]
    public Tensor Data
    {
        get => Detach();
        set
        {
            ArgumentNullException.ThrowIfNull(value, nameof(Data));
            if (value.Device != Device)
                throw new ArgumentException($"data: cannot set the data of a tensor on {Device} to a tensor on {value.Device}; move it with .To({Device.ToString()}) first.");
            SetData(value);
        }
    }

    /// <summary>
    /// <see cref="Data"/>'s setter without the device check: <c>Module.To(device)</c> moves a parameter
    /// in place this way, as PyTorch's <c>_apply</c> uses <c>set_data</c> across devices.
    /// </summary>
    internal void SetData(Tensor value)
    {
        Storage = value.Storage;
        Layout = value.Layout;
        ViewBase = null;   // shares the storage of value, but is not a view in the autograd sense (as PyTorch's set_data)
    }

    /// <summary>True when the tensor lives on a CUDA device (<c>x.is_cuda</c>).</summary>
    public bool IsCuda => Device.Type == DeviceType.Cuda;

    /// <summary>True when the tensor lives on the CPU (<c>x.is_cpu</c>).</summary>
    public bool IsCpu => Device.Type == DeviceType.Cpu;

    /// <summary>
    /// The sub-tensors along the first dimension, in order (<c>for row in x:</c>): each is a view,
    /// <c>x[i]</c>. A 0-d tensor cannot be iterated, as in PyTorch.
    /// </summary>
    /// <exception cref="InvalidOperationException">The tensor is 0-d.</exception>
    public IEnumerator<Tensor> GetEnumerator()
    {
        if (NDim == 0) throw new InvalidOperationException("iteration over a 0-d tensor");
        int n = Layout.Shape[0];
        return Rows(n);
    }

    private IEnumerator<Tensor> Rows(int n)
    {
        for (int i = 0; i < n; i++) yield return Select(0, i);
    }

    /// <summary>The value of a one-element tensor as a <see cref="double"/> (<c>float(x)</c>, <c>x.item()</c> of a float tensor).</summary>
    /// <exception cref="InvalidOperationException">The tensor does not have exactly one element.</exception>
    public double ToDouble() => Item().ToDouble();

    /// <summary>The value of a one-element tensor as a <see cref="long"/> (<c>int(x)</c>; a float value is truncated toward zero, as Python's <c>int</c>).</summary>
    /// <exception cref="InvalidOperationException">The tensor does not have exactly one element.</exception>
    public long ToInt64() => Item().ToInt64();
}
