namespace Ember.NN;

// Randomized leaky ReLU as PyTorch 1.13's CPU kernel (_rrelu_with_noise_train): walking the
// contiguous input in order, every element <= 0 draws its slope from uniform(lower, upper) with one
// 64-bit draw of the generator (at::uniform_real_distribution<double>), so the slopes are PyTorch's
// after the same seed. The output is input * noise (noise 1 where x > 0), an ordinary recorded
// multiply whose gradient is the same noise, as rrelu_with_noise_backward. In evaluation the slope is
// fixed at (lower + upper) / 2 (leaky_relu).
public static partial class F
{
    /// <summary>
    /// The randomized leaky ReLU (<c>F.rrelu</c>): x where x &gt; 0, else a * x with a drawn from
    /// uniform(<paramref name="lower"/>, <paramref name="upper"/>) per element when
    /// <paramref name="training"/> (note: false by default, as in PyTorch's functional form), else a fixed
    /// (lower + upper) / 2. The slopes come from <paramref name="generator"/> (the default generator when
    /// null) in PyTorch's CPU order; on other devices they are drawn on the CPU and copied.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="lower"/> &gt; <paramref name="upper"/>.</exception>
    public static Tensor Rrelu(Tensor input, double lower = 1.0 / 8, double upper = 1.0 / 3, bool training = false, bool inplace = false, Generator? generator = null)
    {
        string name = inplace ? "rrelu_" : "rrelu";
        CheckFloatActivation(input, name);
        if (!(lower <= upper))
            throw new ArgumentException($"{name}: Lower bound should be less than or equal to the upper bound, got lower={PyRepr.Float(lower)} and upper={PyRepr.Float(upper)}.");
        if (!training) return LeakyRelu(input, (lower + upper) / 2, inplace);
        var gen = generator ?? Generator.Default;
        double[] x = input.Detach().ToArray<double>();
        var noise = new double[x.Length];
        lock (gen.Mutex)
        {
            for (int i = 0; i < x.Length; i++)
                noise[i] = x[i] <= 0 ? gen.UniformDouble() * (upper - lower) + lower : 1;
        }
        var n = Tensor.From<double>(noise, input.Shape).To(input.DType).To(input.Device);
        if (!inplace) return input * n;
        input.CheckWritable(name);
        Autograd.CheckInPlace(input, name);
        return input.Mul_(n);
    }
}
