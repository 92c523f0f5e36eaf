namespace Ember.Backends;

// Random fills. Each kernel draws from the generator in PyTorch's order (a contiguous tensor from
// its first element; any other view in its memory order, as TensorIterator walks it) while holding
// the generator's lock, so the numbers match PyTorch's after the same seed.
internal partial interface IBackend
{
    /// <summary>Uniform values in [from, to) into a float32/float64 view (<c>uniform_</c>).</summary>
    void Uniform(Storage dst, Layout layout, double from, double to, Generator generator);

    /// <summary>Normal values into a float32/float64 view (<c>normal_</c>).</summary>
    void Normal(Storage dst, Layout layout, double mean, double std, Generator generator);

    /// <summary>Integers <c>base + (draw % range)</c>, cast to the view's dtype (<c>random_(from, to)</c>).</summary>
    void RandomFromTo(Storage dst, Layout layout, ulong range, long @base, Generator generator);

    /// <summary>1 with probability <paramref name="p"/>, else 0 (<c>bernoulli_(p)</c>).</summary>
    void Bernoulli(Storage dst, Layout layout, double p, Generator generator);

    /// <summary>
    /// 1 with probability p[i], else 0 (<c>bernoulli_(p_tensor)</c>); <paramref name="pLayout"/> is
    /// already broadcast to <paramref name="layout"/>'s shape and holds float32 or float64 values in [0, 1].
    /// </summary>
    void Bernoulli(Storage dst, Layout layout, Storage p, Layout pLayout, Generator generator);

    /// <summary>Exponential values <c>-1/lambda · log(1 - u)</c> from one uniform double each, into a float32/float64 view (<c>exponential_</c>).</summary>
    void Exponential(Storage dst, Layout layout, double lambda, Generator generator);

    /// <summary>
    /// <paramref name="samples"/> draws with replacement from each row of a float32/float64 [rows, categories]
    /// view of non-negative weights, into a contiguous int64 [rows, samples] storage (PyTorch's
    /// <c>multinomial_with_replacement</c> kernel). Throws on a row with a negative, infinite or NaN
    /// weight, or one that sums to zero.
    /// </summary>
    void MultinomialWithReplacement(Storage src, Layout layout, int samples, Storage dst, Generator generator);

    /// <summary>A random permutation of 0..n-1 into a fresh contiguous int64 storage of length n (<c>randperm</c>).</summary>
    void RandPerm(Storage dst, int n, Generator generator);
}
