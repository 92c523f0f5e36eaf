using Ember.Jit;
namespace Ember;

public partial class Tensor
{
    /// <summary>
    /// exp(x) / sum(exp(x)) along <paramref name="dim"/> (<c>torch.softmax</c>), computed stably (the
    /// maximum is subtracted first) by one fused kernel. With <paramref name="dtype"/> the input is first
    /// converted to it (PyTorch's <c>dtype=</c>, to avoid overflow in float32). Floating-point only.
    /// The gradient is PyTorch's <c>_softmax_backward_data</c>: y * (g - sum(g * y)).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dim"/> is out of range.</exception>
    /// <exception cref="NotSupportedException">The (converted) input is not floating point.</exception>
    public Tensor Softmax(int dim, DType? dtype = null) => SoftmaxCore(dim, dtype, log: false);

    /// <summary>
    /// log(softmax(x)) along <paramref name="dim"/> (<c>torch.log_softmax</c>), computed stably as
    /// x - max - log(sum(exp(x - max))) by one fused kernel. The gradient is PyTorch's
    /// <c>_log_softmax_backward_data</c>: g - exp(y) * sum(g).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dim"/> is out of range.</exception>
    /// <exception cref="NotSupportedException">The (converted) input is not floating point.</exception>
    public Tensor LogSoftmax(int dim, DType? dtype = null) => SoftmaxCore(dim, dtype, log: true);

    private Tensor SoftmaxCore(int dim, DType? dtype, bool log)
    {
        if (Tracer.IsActive)
        {
            var attrs = new Attributes().Set("dim", dim).Set("dtype", dtype);
            return log ? Tracer.Record("aten::log_softmax", [this], attrs, static (x, a) => [x[0]!.LogSoftmax(a.Int("dim"), a["dtype"] as DType?)])
                : Tracer.Record("aten::softmax", [this], attrs, static (x, a) => [x[0]!.Softmax(a.Int("dim"), a["dtype"] as DType?)]);
        }
        string name = log ? "log_softmax" : "softmax";
        var x = dtype is { } t ? To(t) : this;
        int axis = Dims.Wrap(dim, x.NDim, name);
        if (!x.DType.IsFloatingPoint())
            throw new NotSupportedException($"{name}: \"{name}_lastdim_kernel_impl\" not implemented for {x.DType.TorchName()}; softmax needs a floating-point input (pass dtype: DType.Float32).");
        var src = x.Contiguous();
        var r = Alloc(x.Layout.Shape, x.DType, x.Device, uninitialized: true);
        Backend.Softmax(src.Storage, src.Layout, x.NDim == 0 ? 0 : axis, log, r.Storage, r.Layout);
        if (Autograd.Recording(x)) (log ? Derivatives.LogSoftmax : Derivatives.Softmax).Record(r, [x], saved: [r], state: axis);
        return r;
    }

    /// <summary>
    /// log_softmax's gradient g - exp(y) * sum(g, axis) as one fused kernel (PyTorch's
    /// <c>_log_softmax_backward_data</c>): one result instead of three temporaries the size of the input
    /// (exp(y), the product, the difference), which for a language model's [tokens, vocabulary] logits
    /// are the largest tensors of the step. The arithmetic and its rounding are the composed formula's.
    /// Used where the backward is not itself recorded; <paramref name="y"/> is the saved output.
    /// </summary>
    internal static Tensor LogSoftmaxBackward(Tensor y, Tensor g, int axis)
    {
        var gc = g.Contiguous();
        var yc = y.Contiguous();
        var r = Alloc(y.Layout.Shape, y.DType, y.Device, uninitialized: true);
        y.Backend.LogSoftmaxBackward(yc.Storage, yc.Layout, gc.Storage, gc.Layout, y.NDim == 0 ? 0 : axis, r.Storage, r.Layout);
        return r;
    }
}
