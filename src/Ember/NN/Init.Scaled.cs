using System.Diagnostics.CodeAnalysis;

namespace Ember.NN;

// The variance-scaling initialisers: Xavier/Glorot, Kaiming/He, and the truncated normal.
public static partial class Init
{
    /// <summary>
    /// Glorot uniform (<c>nn.init.xavier_uniform_</c>): U(-a, a) with
    /// a = gain · sqrt(6 / (fan_in + fan_out)).
    /// </summary>
    /// <exception cref="ArgumentException">The tensor has fewer than 2 dimensions.</exception>
    public static Tensor XavierUniform_([NotNull] Tensor? tensor, double gain = 1, Generator? generator = null)
    {
        double std = XavierStd(tensor, gain, "xavier_uniform_");
        double a = Math.Sqrt(3.0) * std;
        return Uniform_(tensor, -a, a, generator);
    }

    /// <summary>
    /// Glorot normal (<c>nn.init.xavier_normal_</c>): N(0, std²) with std = gain · sqrt(2 / (fan_in + fan_out)).
    /// </summary>
    /// <exception cref="ArgumentException">The tensor has fewer than 2 dimensions.</exception>
    public static Tensor XavierNormal_([NotNull] Tensor? tensor, double gain = 1, Generator? generator = null) =>
        Normal_(tensor, 0, XavierStd(tensor, gain, "xavier_normal_"), generator);

    private static double XavierStd([NotNull] Tensor? tensor, double gain, string op)
    {
        RequireTensor(tensor, op);
        var (fanIn, fanOut) = CalculateFanInAndFanOut(tensor);
        if (fanIn + fanOut == 0) throw new ArgumentException($"{op}: fan_in + fan_out is 0 for a tensor of shape {tensor.Shape} (PyTorch raises ZeroDivisionError)");
        return gain * Math.Sqrt(2.0 / (fanIn + fanOut));
    }

    /// <summary>
    /// He uniform (<c>nn.init.kaiming_uniform_</c>): U(-bound, bound) with
    /// bound = gain · sqrt(3 / fan), gain = <see cref="CalculateGain"/>(<paramref name="nonlinearity"/>, <paramref name="a"/>)
    /// and fan the fan-in or fan-out as <paramref name="mode"/> says. A tensor with no elements is left as it is.
    /// </summary>
    /// <param name="tensor">The tensor to fill (at least 2-D).</param>
    /// <param name="a">The negative slope of the rectifier after this layer (used with leaky_relu only).</param>
    /// <param name="mode">"fan_in" (keeps the forward pass's variance) or "fan_out" (the backward pass's).</param>
    /// <param name="nonlinearity">The nonlinearity's <c>nn.functional</c> name; "relu" or "leaky_relu" are the intended ones.</param>
    /// <param name="generator">The generator to draw from (default: <see cref="Generator.Default"/>).</param>
    /// <exception cref="ArgumentException">An unknown mode or nonlinearity, or a tensor with fewer than 2 dimensions.</exception>
    public static Tensor KaimingUniform_([NotNull] Tensor? tensor, double a = 0, string mode = "fan_in", string nonlinearity = "leaky_relu", Generator? generator = null)
    {
        RequireTensor(tensor);
        if (WarnIfEmpty(tensor)) return tensor;
        double std = KaimingStd(tensor, a, mode, nonlinearity);
        double bound = Math.Sqrt(3.0) * std;
        return Uniform_(tensor, -bound, bound, generator);
    }

    /// <summary>
    /// He normal (<c>nn.init.kaiming_normal_</c>): N(0, std²) with std = gain / sqrt(fan); arguments as
    /// <see cref="KaimingUniform_"/>. A tensor with no elements is left as it is.
    /// </summary>
    /// <exception cref="ArgumentException">An unknown mode or nonlinearity, or a tensor with fewer than 2 dimensions.</exception>
    public static Tensor KaimingNormal_([NotNull] Tensor? tensor, double a = 0, string mode = "fan_in", string nonlinearity = "leaky_relu", Generator? generator = null)
    {
        RequireTensor(tensor);
        if (WarnIfEmpty(tensor)) return tensor;
        return Normal_(tensor, 0, KaimingStd(tensor, a, mode, nonlinearity), generator);
    }

    // The Kaiming functions' check for a zero-element tensor, which PyTorch warns about.
    private static bool WarnIfEmpty(Tensor tensor)
    {
        if (tensor.Numel() != 0) return false;
        Warnings.Warn("Initializing zero-element tensors is a no-op");
        return true;
    }

    private static double KaimingStd(Tensor tensor, double a, string mode, string nonlinearity)
    {
        ArgumentNullException.ThrowIfNull(mode);
        string m = mode.ToLowerInvariant();
        if (m != "fan_in" && m != "fan_out")
            throw new ArgumentException($"Mode {mode} not supported, please use one of ['fan_in', 'fan_out']", nameof(mode));
        var (fanIn, fanOut) = CalculateFanInAndFanOut(tensor);
        double fan = m == "fan_in" ? fanIn : fanOut;
        double gain = CalculateGain(nonlinearity, a);
        return gain / Math.Sqrt(fan);
    }

    /// <summary>
    /// Fills with a normal distribution N(<paramref name="mean"/>, <paramref name="std"/>²) truncated to
    /// [<paramref name="a"/>, <paramref name="b"/>] (<c>nn.init.trunc_normal_</c>), by PyTorch's inverse-CDF
    /// method: uniform values between the bounds' CDFs (mapped to [-1, 1]), then erfinv, scaled, shifted and
    /// clamped. Works best when a ≤ mean ≤ b; as PyTorch, Ember warns when the mean is more than 2 std
    /// outside [a, b].
    /// </summary>
    public static Tensor TruncNormal_([NotNull] Tensor? tensor, double mean = 0, double std = 1, double a = -2, double b = 2, Generator? generator = null)
    {
        RequireTensor(tensor);
        if (mean < a - 2 * std || mean > b + 2 * std)
            Warnings.Warn("mean is more than 2 std from [a, b] in nn.init.trunc_normal_. The distribution of values may be incorrect.");
        double l = NormCdf((a - mean) / std), u = NormCdf((b - mean) / std);
        using var _ = Autograd.NoGrad();
        tensor.Uniform_(2 * l - 1, 2 * u - 1, generator);
        tensor.Erfinv_();
        tensor.Mul_(std * Math.Sqrt(2.0));
        tensor.Add_(mean);
        tensor.Clamp_(min: a, max: b);
        return tensor;
    }

    private static double NormCdf(double x) => (1.0 + Tensor.ErfinvMath.Erf(x / Math.Sqrt(2.0))) / 2.0;
}
