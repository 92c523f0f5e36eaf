using Ember.Jit;
namespace Ember.NN;

// Dropout as PyTorch 1.13 does it on the CPU (aten/src/ATen/native/Dropout.cpp, _dropout_impl): a
// noise tensor of the input's dtype filled by bernoulli_(1 - p) from the default generator, divided by
// 1 - p, then multiplied into the input. The same draws in the same order give the same masks as
// PyTorch after the same seed. The product is an ordinary recorded multiply, so no derivative row is
// needed: the gradient is the same mask times the incoming gradient.
public static partial class F
{
    /// <summary>
    /// Zeroes each element with probability <paramref name="p"/> and scales the rest by 1 / (1 - p)
    /// (<c>F.dropout</c>), when <paramref name="training"/>; otherwise (or with p = 0, or an empty input)
    /// the input itself is returned, as PyTorch does. With <paramref name="inplace"/> the input is overwritten.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="p"/> is outside [0, 1].</exception>
    public static Tensor Dropout(Tensor input, double p = 0.5, bool training = true, bool inplace = false) =>
        DropoutCore(input, p, training, inplace, feature: false, alpha: false, "dropout");

    /// <summary>
    /// Zeroes whole channels (dim 1, for every sample) with probability <paramref name="p"/> and scales
    /// the rest by 1 / (1 - p) (<c>F.dropout2d</c>, PyTorch's feature dropout). The input is (N, C, H, W);
    /// a 3-d input is read as (N, C, L) and a 2-d one as (N, C), as PyTorch 1.13 does, with its warnings.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="p"/> is outside [0, 1], or the input has fewer than 2 dims.</exception>
    public static Tensor Dropout2d(Tensor input, double p = 0.5, bool training = true, bool inplace = false)
    {
        ArgumentNullException.ThrowIfNull(input);
        CheckDropoutP(p);
        // PyTorch 1.13 warns before looking at training or p, so evaluation mode warns too.
        if (input.NDim == 3)
            Warnings.Warn("dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout behavior is desired - " +
                "input is interpreted as shape (N, C, L), where C is the channel dim. This behavior will change in a future release " +
                "to interpret the input as one without a batch dimension, i.e. shape (C, H, W). To maintain the 1D channel-wise " +
                "dropout behavior, please switch to using dropout1d instead.");
        else if (input.NDim is not (3 or 4))
            Warnings.Warn($"dropout2d: Received a {input.NDim}-D input to dropout2d, which is deprecated and will result in an error in a " +
                "future release. To retain the behavior and silence this warning, please use dropout instead. Note that dropout2d " +
                "exists to provide channel-wise dropout on inputs with 2 spatial dimensions, a channel dimension, and an optional " +
                "batch dimension (i.e. 3D or 4D inputs).");
        return DropoutCore(input, p, training, inplace, feature: true, alpha: false, "dropout2d");
    }

    internal static void CheckDropoutP(double p)
    {
        if (!(p >= 0 && p <= 1))
            throw new ArgumentException($"dropout probability has to be between 0 and 1, but got {PyRepr.Float(p)}.", nameof(p));
    }

    // Alpha dropout (PyTorch's alpha_dropout): the kept elements are scaled by a and the dropped ones
    // set to SELU's negative saturation, both shifted by b, so zero mean and unit variance are kept.
    private const double AlphaDropoutAlpha = 1.7580993408473766;

    private static Tensor DropoutCore(Tensor input, double p, bool training, bool inplace, bool feature, bool alpha, string name)
    {
        ArgumentNullException.ThrowIfNull(input);
        CheckDropoutP(p);
        if (Tracer.IsActive)
        {
            // The training flag is an attribute: a replay in training mode draws a new mask each call.
            var attrs = new Attributes().Set("p", p).Set("train", training);
            string op = (alpha ? (feature ? "aten::feature_alpha_dropout" : "aten::alpha_dropout") : feature ? "aten::feature_dropout" : "aten::dropout") + (inplace ? "_" : "");
            // The kind of dropout is in the op's name; the replay closes over it (and over the name its messages use).
            return Tracer.Record(op, [input], attrs, (x, a) => [DropoutCore(x[0]!, a.Double("p"), a.Bool("train"), inplace, feature, alpha, name)]);
        }
        if (p == 0 || !training || input.Numel() == 0) return input;
        if (feature && input.NDim < 2)
            throw new ArgumentException($"{name}: Feature dropout requires at least 2 dimensions in the input, got shape {input.Shape}.");
        if (!input.DType.IsFloatingPoint())
            throw new NotSupportedException($"{name}: not implemented for {input.DType.TorchName()}; dropout needs a floating-point input.");
        if (p == 1)
        {
            var zero = Tensor.Zeros([], input.DType, input.Device);
            return inplace ? input.Mul_(zero) : input * zero;
        }
        int[] noiseShape = input.Shape.ToArray();
        if (feature) for (int i = 2; i < noiseShape.Length; i++) noiseShape[i] = 1;
        Tensor noise;
        Tensor? b = null;
        using (Autograd.NoGrad())
        {
            noise = Tensor.Empty(noiseShape, input.DType, input.Device);
            noise.Bernoulli_(1 - p);
            if (alpha)
            {
                double a = 1 / Math.Sqrt((AlphaDropoutAlpha * AlphaDropoutAlpha * p + 1) * (1 - p));
                b = (noise - 1) * (AlphaDropoutAlpha * a) + AlphaDropoutAlpha * a * p;
                noise = noise * a;
            }
            else noise.Div_(1 - p);
        }
        if (b is not null) return inplace ? input.Mul_(noise).Add_(b) : input * noise + b;
        return inplace ? input.Mul_(noise) : input * noise;
    }
}
