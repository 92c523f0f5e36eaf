using System.Diagnostics.CodeAnalysis;

namespace Ember.NN;

/// <summary>
/// Weight initialisation (<c>torch.nn.init</c>). Every function fills its tensor in place under
/// no-grad and returns it. The random ones draw from <see cref="Generator.Default"/> (or the given
/// generator) in PyTorch's order, so after the same seed they give PyTorch 1.13's numbers; PyTorch 1.13's
/// functions take no generator, and passing one here is like PyTorch 2's <c>generator=</c> argument.
/// </summary>
public static partial class Init
{
    private static readonly string[] LinearFns = ["linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d"];

    /// <summary>
    /// The recommended gain for a nonlinearity (<c>nn.init.calculate_gain</c>): 1 for linear, conv*
    /// and sigmoid; 5/3 for tanh; sqrt(2) for relu; sqrt(2 / (1 + slope²)) for leaky_relu (slope =
    /// <paramref name="param"/>, default 0.01); 3/4 for selu.
    /// </summary>
    /// <exception cref="ArgumentException">The nonlinearity is not one of those.</exception>
    public static double CalculateGain(string nonlinearity, double? param = null)
    {
        ArgumentNullException.ThrowIfNull(nonlinearity);
        if (LinearFns.Contains(nonlinearity) || nonlinearity == "sigmoid") return 1;
        switch (nonlinearity)
        {
            case "tanh": return 5.0 / 3;
            case "relu": return Math.Sqrt(2.0);
            case "leaky_relu":
                double slope = param ?? 0.01;
                return Math.Sqrt(2.0 / (1 + slope * slope));
            case "selu": return 3.0 / 4;
            default: throw new ArgumentException($"Unsupported nonlinearity {nonlinearity}", nameof(nonlinearity));
        }
    }

    /// <summary>
    /// The fan-in and fan-out of a weight (<c>nn.init._calculate_fan_in_and_fan_out</c>): size(1) and
    /// size(0), each times the product of the sizes after the first two (a convolution's receptive field).
    /// </summary>
    /// <exception cref="ArgumentException">The tensor has fewer than 2 dimensions.</exception>
    public static (long FanIn, long FanOut) CalculateFanInAndFanOut(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.NDim < 2)
            throw new ArgumentException($"Fan in and fan out can not be computed for tensor with fewer than 2 dimensions (got shape {tensor.Shape})");
        long receptive = 1;
        for (int d = 2; d < tensor.NDim; d++) receptive *= tensor.Shape[d];
        return (tensor.Shape[1] * receptive, tensor.Shape[0] * receptive);
    }

    /// <summary>
    /// The null check of every in-place initialiser. They take a nullable tensor so the usual init idiom,
    /// <c>Init.Zeros_(linear.Bias)</c> inside <c>Apply</c>, compiles without a cast; a null (a layer built
    /// with <c>bias: false</c> or <c>affine: false</c>) fails here, as PyTorch's does on <c>None</c>.
    /// </summary>
    private static void RequireTensor([NotNull] Tensor? tensor, [System.Runtime.CompilerServices.CallerMemberName] string op = "")
    {
        if (tensor is null)
            throw new ArgumentNullException(nameof(tensor), $"Init.{op}: the tensor is null; a layer built without this parameter (bias: false, affine: false) has nothing to initialise.");
    }

    /// <summary>Fills with values uniform in [<paramref name="a"/>, <paramref name="b"/>) (<c>nn.init.uniform_</c>).</summary>
    public static Tensor Uniform_([NotNull] Tensor? tensor, double a = 0, double b = 1, Generator? generator = null)
    {
        RequireTensor(tensor);
        using var _ = Autograd.NoGrad();
        return tensor.Uniform_(a, b, generator);
    }

    /// <summary>Fills with normal values of the given mean and standard deviation (<c>nn.init.normal_</c>).</summary>
    public static Tensor Normal_([NotNull] Tensor? tensor, double mean = 0, double std = 1, Generator? generator = null)
    {
        RequireTensor(tensor);
        using var _ = Autograd.NoGrad();
        return tensor.Normal_(mean, std, generator);
    }

    /// <summary>Fills with <paramref name="val"/> (<c>nn.init.constant_</c>).</summary>
    public static Tensor Constant_([NotNull] Tensor? tensor, double val)
    {
        RequireTensor(tensor);
        using var _ = Autograd.NoGrad();
        return tensor.Fill_(val);
    }

    /// <summary>Fills with ones (<c>nn.init.ones_</c>).</summary>
    public static Tensor Ones_([NotNull] Tensor? tensor) => Constant_(tensor, 1.0);

    /// <summary>Fills with zeros (<c>nn.init.zeros_</c>).</summary>
    public static Tensor Zeros_([NotNull] Tensor? tensor)
    {
        RequireTensor(tensor);
        using var _ = Autograd.NoGrad();
        return tensor.Zero_();
    }

    /// <summary>
    /// Fills a 2-D tensor with the identity matrix (<c>nn.init.eye_</c>): ones on the main diagonal,
    /// so a <see cref="Linear"/> layer passes through as many inputs as it can.
    /// </summary>
    /// <exception cref="ArgumentException">The tensor is not 2-D.</exception>
    public static Tensor Eye_([NotNull] Tensor? tensor)
    {
        RequireTensor(tensor);
        if (tensor.NDim != 2) throw new ArgumentException($"Only tensors with 2 dimensions are supported (eye_ got shape {tensor.Shape})");
        using var _ = Autograd.NoGrad();
        return tensor.Copy_(Tensor.Eye(tensor.Shape[0], tensor.Shape[1], tensor.DType, tensor.Device));
    }

    /// <summary>
    /// Fills a 3-, 4- or 5-D convolution weight with the Dirac delta (<c>nn.init.dirac_</c>): output
    /// channel d of each of the <paramref name="groups"/> groups gets a 1 at the centre of input channel
    /// d, so the convolution passes as many input channels through as it can.
    /// </summary>
    /// <exception cref="ArgumentException">The tensor is not 3-, 4- or 5-D, or size(0) is not divisible by <paramref name="groups"/>.</exception>
    public static Tensor Dirac_([NotNull] Tensor? tensor, int groups = 1)
    {
        RequireTensor(tensor);
        int dims = tensor.NDim;
        if (dims is < 3 or > 5) throw new ArgumentException($"Only tensors with 3, 4, or 5 dimensions are supported (dirac_ got shape {tensor.Shape})");
        if (groups <= 0) throw new ArgumentException($"dirac_: groups must be positive, got {groups}", nameof(groups));
        int[] size = tensor.Shape;
        if (size[0] % groups != 0) throw new ArgumentException($"dim 0 must be divisible by groups (dirac_ got size {size[0]} and groups={groups})");
        int outPerGroup = size[0] / groups;
        int minDim = Math.Min(outPerGroup, size[1]);
        var values = new double[tensor.Numel()];
        int[] strides = new int[dims];
        int acc = 1;
        for (int d = dims - 1; d >= 0; d--) { strides[d] = acc; acc *= size[d]; }
        int centre = 0;
        for (int d = 2; d < dims; d++) centre += size[d] / 2 * strides[d];
        for (int g = 0; g < groups; g++)
            for (int d = 0; d < minDim; d++)
                values[(g * outPerGroup + d) * strides[0] + d * strides[1] + centre] = 1;
        using var _ = Autograd.NoGrad();
        return tensor.Copy_(Tensor.From<double>(values, size, tensor.Device));
    }
}
