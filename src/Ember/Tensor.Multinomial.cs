namespace Ember;

// torch.multinomial and the exponential fill it draws from, as PyTorch 1.13 runs them on the CPU
// (ATen/native/Distributions.cpp's multinomial_out), so the same seed gives PyTorch's samples.
public partial class Tensor
{
    /// <summary>
    /// Fills this floating-point tensor with samples from the exponential distribution of rate
    /// <paramref name="lambd"/>, in place (<c>x.exponential_(lambd)</c>). Each element takes one 53-bit
    /// uniform double <c>u</c> and becomes <c>-log(1 - u) / lambd</c>, PyTorch's CPU stream.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="lambd"/> is negative or NaN, or this tensor is not floating point.</exception>
    public Tensor Exponential_(double lambd = 1, Generator? generator = null)
    {
        const string op = "exponential_";
        CheckFloating(op);
        CheckWritable(op);
        if (!(lambd >= 0)) throw new ArgumentException($"{op}: expects lambda >= 0.0, but found lambda={Num(lambd)}.", nameof(lambd));
        var gen = GeneratorFor(generator, Device, op);
        Backend.Exponential(Storage, Layout, lambd, gen);
        BumpVersion();
        return this;
    }

    /// <summary>
    /// Indices drawn from the categorical distributions whose (unnormalised, non-negative) weights are
    /// this tensor's last dim (<c>torch.multinomial(input, num_samples, replacement=False, generator=None)</c>):
    /// a 1-D tensor of weights gives <paramref name="numSamples"/> indices, a 2-D one a row of
    /// <paramref name="numSamples"/> indices per row. The result is int64.
    /// </summary>
    /// <remarks>
    /// Draws PyTorch 1.13's CPU samples after the same seed. Without replacement each weight is
    /// divided by an exponential draw (<see cref="Exponential_"/>) and the largest quotients win
    /// (argmax for one sample, top-k, largest first, otherwise), so categories of weight 0 are only
    /// drawn once every positive one has been, in the order PyTorch's sort leaves those ties. With
    /// replacement (even for one sample, as in 1.13) each row's cumulative distribution is searched
    /// with one uniform double per sample.
    /// </remarks>
    /// <exception cref="ArgumentException">
    /// The input is not 1-D or 2-D, not floating point, has more than 2^24 categories, holds a negative,
    /// infinite or NaN weight, or has a row of zeros; <paramref name="numSamples"/> is not positive, or
    /// exceeds the number of categories without replacement.
    /// </exception>
    public Tensor Multinomial(int numSamples, bool replacement = false, Generator? generator = null)
    {
        const string op = "multinomial";
        if (NDim < 1 || NDim > 2)
            throw new ArgumentException($"{op}: prob_dist must be 1 or 2 dim, got a {NDim}-dim tensor of shape {Shape}.");
        if (!DType.IsFloatingPoint())
            throw new ArgumentException($"{op}: multinomial only supports floating-point dtypes for input, got: {DType.TorchName()}.");
        if (numSamples <= 0)
            throw new ArgumentException($"{op}: cannot sample n_sample <= 0 samples (n_sample = {numSamples}).", nameof(numSamples));
        int categories = Layout.Shape[^1];
        if (!replacement && numSamples > categories)
            throw new ArgumentException($"{op}: cannot sample n_sample > prob_dist.size(-1) samples without replacement (n_sample = {numSamples}, prob_dist of shape {Shape}).", nameof(numSamples));
        if (categories > 1 << 24)
            throw new ArgumentException($"{op}: number of categories cannot exceed 2^24 (got {categories}).");
        var gen = GeneratorFor(generator, Device, op);
        int rows = NDim == 1 ? 1 : Layout.Shape[0];
        int[] shape = NDim == 1 ? [numSamples] : [rows, numSamples];
        if (rows == 0) return Zeros(shape, DType.Int64, Device);

        using var _ = Autograd.NoGrad();
        if (!replacement)
        {
            // PyTorch's fast path (issue 11931): argmax or top-k of p / q with q ~ Exp(1), the
            // Gumbel-max trick with the exponential taken out of the logarithm. PyTorch 1.13 takes it
            // only without replacement (later versions also for one sample with replacement).
            CheckDistribution(op);
            var q = EmptyPreservingOrder(this, DType, Device).Exponential_(1, gen);
            q = this / q;
            return numSamples == 1 ? q.ArgMax(-1, keepDim: true) : TopKAsPyTorch(q, rows, numSamples, shape);
        }
        var result = Alloc(shape, DType.Int64, Device);
        var view = NDim == 1 ? Layout.Unsqueeze(0) : Layout;
        Backend.MultinomialWithReplacement(Storage, view, numSamples, result.Storage, gen);
        return result;
    }

    /// <summary><c>input.Multinomial(numSamples, replacement, generator)</c>, spelled as <c>torch.multinomial(input, ...)</c> is.</summary>
    public static Tensor Multinomial(Tensor input, int numSamples, bool replacement = false, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.Multinomial(numSamples, replacement, generator);
    }

    // topk(q, n) with PyTorch's choice and order among ties (zero weights tie once the positive ones run out).
    private static Tensor TopKAsPyTorch(Tensor q, int rows, int k, int[] shape)
    {
        double[] v = q.Contiguous().ToArray<double>();
        int cats = v.Length / rows;
        var idx = new long[rows * k];
        for (int r = 0; r < rows; r++)
            Backends.Cpu.PyTorchTopK.Largest(v.AsSpan(r * cats, cats), k).CopyTo(idx, r * k);
        return From<long>(idx, shape, q.Device);
    }

    // The fast path's checks: every weight finite and non-negative, and no row summing to zero.
    private void CheckDistribution(string op)
    {
        double[] w = ToArray<double>();
        foreach (double v in w)
            if (!(v >= 0 && v < double.PositiveInfinity))
                throw new ArgumentException($"{op}: probability tensor contains either `inf`, `nan` or element < 0 (found {Num(v)} in the weights of shape {Shape}).");
        int cats = Layout.Shape[^1], rows = NDim == 1 ? 1 : Layout.Shape[0];
        for (int r = 0; r < rows; r++)
        {
            bool any = false;
            for (int j = 0; j < cats && !any; j++) any = w[r * cats + j] > 0;
            if (!any) throw new ArgumentException($"{op}: invalid multinomial distribution (sum of probabilities <= 0){(NDim == 2 ? $" in row {r}" : "")} of weights of shape {Shape}.");
        }
    }
}
