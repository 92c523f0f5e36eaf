using System.Text;

namespace Ember.Distributions;

/// <summary>
/// The base of every distribution (<c>torch.distributions.Distribution</c>): a batch of independent
/// distributions of shape <see cref="BatchShape"/>, each over events of shape <see cref="EventShape"/>.
/// Samples have shape <c>sampleShape + BatchShape + EventShape</c>.
/// </summary>
/// <remarks>
/// Arguments are validated as PyTorch validates them with <c>validate_args=True</c> (its default
/// outside <c>python -O</c>): parameters against their constraints when the distribution is built,
/// values against the support in <see cref="LogProb"/>. Pass <c>validateArgs: false</c> to a
/// constructor or set <see cref="DefaultValidateArgs"/> to skip the checks.
/// </remarks>
public abstract partial class Distribution
{
    /// <summary>Whether distributions built without an explicit <c>validateArgs</c> validate (<c>Distribution.set_default_validate_args</c>); true, as PyTorch.</summary>
    public static bool DefaultValidateArgs { get; set; } = true;

    /// <summary>Creates a distribution with the given batch and event shapes.</summary>
    protected Distribution(int[] batchShape, int[] eventShape, bool? validateArgs)
    {
        BatchShape = new Shape(batchShape);
        EventShape = new Shape(eventShape);
        ValidateArgs = validateArgs ?? DefaultValidateArgs;
    }

    /// <summary>The shape over which parameters are batched (<c>batch_shape</c>).</summary>
    public Shape BatchShape { get; }

    /// <summary>The shape of one sample of one distribution of the batch (<c>event_shape</c>).</summary>
    public Shape EventShape { get; }

    /// <summary>Whether this distribution checks its parameters and the values given to <see cref="LogProb"/>.</summary>
    public bool ValidateArgs { get; private set; }

    /// <summary>Whether <see cref="RSample"/> is implemented (<c>has_rsample</c>).</summary>
    public virtual bool HasRSample => false;

    /// <summary>The set samples lie in (<c>support</c>).</summary>
    public abstract Constraint Support { get; }

    /// <summary>The constraint each named parameter must satisfy, in the order PyTorch lists them (<c>arg_constraints</c>).</summary>
    public abstract IReadOnlyList<(string Name, Constraint Constraint)> ArgConstraints { get; }

    /// <summary>The mean, of shape <c>BatchShape + EventShape</c>.</summary>
    public virtual Tensor Mean => throw new NotSupportedException($"{GetType().Name}: mean is not implemented.");

    /// <summary>The variance, of shape <c>BatchShape + EventShape</c>.</summary>
    public virtual Tensor Variance => throw new NotSupportedException($"{GetType().Name}: variance is not implemented.");

    /// <summary>The standard deviation (<c>variance.sqrt()</c>).</summary>
    public virtual Tensor Stddev => Variance.Sqrt();

    /// <summary>
    /// Draws samples of shape <c>sampleShape + BatchShape + EventShape</c> without recording a graph
    /// (<c>sample(sample_shape=torch.Size())</c>); from the default generator unless one is given.
    /// </summary>
    public virtual Tensor Sample(int[]? sampleShape = null, Generator? generator = null)
    {
        using var _ = Autograd.NoGrad();
        return RSample(sampleShape, generator);
    }

    /// <summary>
    /// Draws reparameterized samples: differentiable with respect to the parameters (<c>rsample</c>).
    /// </summary>
    /// <exception cref="NotSupportedException">The distribution has no reparameterized sampler (<see cref="HasRSample"/> is false).</exception>
    public virtual Tensor RSample(int[]? sampleShape = null, Generator? generator = null) =>
        throw new NotSupportedException($"{GetType().Name}: rsample is not implemented (has_rsample is false); use Sample, which records no graph.");

    /// <summary>The log of the probability density or mass at <paramref name="value"/> (<c>log_prob</c>).</summary>
    public abstract Tensor LogProb(Tensor value);

    /// <summary>The entropy of each distribution of the batch, of shape <see cref="BatchShape"/>.</summary>
    public virtual Tensor Entropy() => throw new NotSupportedException($"{GetType().Name}: entropy is not implemented.");

    /// <summary>The cumulative distribution function at <paramref name="value"/> (<c>cdf</c>).</summary>
    public virtual Tensor Cdf(Tensor value) => throw new NotSupportedException($"{GetType().Name}: cdf is not implemented.");

    /// <summary>The inverse cumulative distribution function (quantile) at <paramref name="value"/> in [0, 1] (<c>icdf</c>).</summary>
    public virtual Tensor Icdf(Tensor value) => throw new NotSupportedException($"{GetType().Name}: icdf is not implemented.");

    /// <summary>The exponential of <see cref="Entropy"/> (<c>perplexity</c>).</summary>
    public Tensor Perplexity() => Entropy().Exp();

    /// <summary>
    /// A distribution of the same kind whose parameters are expanded (as views, no copy) to the batch
    /// shape <paramref name="batchShape"/> (<c>expand(batch_shape)</c>); it validates values as this one does.
    /// </summary>
    /// <exception cref="ArgumentException">The batch shape cannot be expanded to <paramref name="batchShape"/>.</exception>
    public virtual Distribution Expand(int[] batchShape) =>
        throw new NotSupportedException($"{GetType().Name}: expand is not implemented.");

    /// <summary>Whether <see cref="EnumerateSupport"/> is implemented (<c>has_enumerate_support</c>).</summary>
    public virtual bool HasEnumerateSupport => false;

    /// <summary>
    /// Every value of a discrete distribution's support, along a new leading dim: shape
    /// <c>[n] + BatchShape + EventShape</c> when <paramref name="expand"/>, else <c>[n] + [1]*batch rank + EventShape</c>
    /// (<c>enumerate_support(expand=True)</c>).
    /// </summary>
    /// <exception cref="NotSupportedException">The distribution has no finite support to enumerate.</exception>
    public virtual Tensor EnumerateSupport(bool expand = true) =>
        throw new NotSupportedException($"{GetType().Name}: enumerate_support is not implemented (has_enumerate_support is false).");

    /// <summary>Views <paramref name="values"/> (n values of <paramref name="eventShape"/>) as <c>[n] + [1]*batch rank + event</c>, expanded over the batch when asked.</summary>
    protected Tensor EnumerationShape(Tensor values, int[] eventShape, bool expand)
    {
        int n = values.Shape[0];
        values = values.Reshape([n, .. Enumerable.Repeat(1, BatchShape.Count), .. eventShape]);
        return expand ? values.Expand([n, .. BatchShape, .. eventShape]) : values;
    }

    /// <summary>Checks that the batch shape expands to <paramref name="batchShape"/> (<c>_get_checked_instance</c> and the parameters' expand) and returns a copy of it.</summary>
    protected int[] CheckExpand(int[] batchShape)
    {
        ArgumentNullException.ThrowIfNull(batchShape);
        int[] have = BatchShape;
        bool ok = batchShape.Length >= have.Length;
        for (int i = 1; ok && i <= have.Length; i++)
            ok = have[^i] == 1 || have[^i] == batchShape[^i];
        if (!ok || batchShape.Any(d => d < 0))
            throw new ArgumentException($"{GetType().Name}.expand: the batch shape {BatchShape} cannot be expanded to {new Shape(batchShape)}.", nameof(batchShape));
        return [.. batchShape];
    }

    /// <summary>Gives an expanded distribution (built without validation) this one's <see cref="ValidateArgs"/>, as PyTorch's <c>new._validate_args = self._validate_args</c>.</summary>
    protected T WithValidation<T>(T expanded) where T : Distribution
    {
        expanded.ValidateArgs = ValidateArgs;
        return expanded;
    }

    /// <summary><c>sampleShape + BatchShape + EventShape</c> (<c>_extended_shape</c>).</summary>
    protected int[] ExtendedShape(int[]? sampleShape) => [.. sampleShape ?? [], .. BatchShape, .. EventShape];

    /// <summary>The values of the named parameters, for validation messages and printing.</summary>
    protected abstract Tensor ParameterValue(string name);

    /// <summary>Checks every parameter against its constraint, with PyTorch's message; call at the end of a constructor.</summary>
    protected void ValidateParameters()
    {
        if (!ValidateArgs) return;
        using var _ = Autograd.NoGrad();
        foreach (var (name, constraint) in ArgConstraints)
        {
            var value = ParameterValue(name);
            if (!constraint.Check(value).All().Item<bool>())
                throw new ArgumentException(
                    $"Expected parameter {name} (Tensor of shape {value.Shape}) of distribution {this} " +
                    $"to satisfy the constraint {constraint}, but found invalid values:\n{value}", name);
        }
    }

    /// <summary>Checks that <paramref name="value"/> broadcasts with the batch and event shapes and lies in the support (<c>_validate_sample</c>).</summary>
    protected void ValidateSample(Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!ValidateArgs) return;
        int[] actual = value.Shape;
        int[] expected = [.. BatchShape, .. EventShape];
        int eventDims = EventShape.Count;
        if (actual.Length < eventDims || !actual.AsSpan(actual.Length - eventDims).SequenceEqual(EventShape.AsSpan()))
            throw new ArgumentException($"The right-most size of value must match event_shape: {value.Shape} vs {EventShape}.", nameof(value));
        for (int i = 1; i <= Math.Min(actual.Length, expected.Length); i++)
        {
            int a = actual[^i], e = expected[^i];
            if (a != 1 && e != 1 && a != e)
                throw new ArgumentException($"Value is not broadcastable with batch_shape+event_shape: {value.Shape} vs {new Shape(expected)}.", nameof(value));
        }
        using var _ = Autograd.NoGrad();
        if (!Support.Check(value).All().Item<bool>())
            throw new ArgumentException(
                $"Expected value argument (Tensor of shape {value.Shape}) to be within the support ({Support}) " +
                $"of the distribution {this}, but found invalid values:\n{value}", nameof(value));
    }

    /// <summary>The distribution as PyTorch prints it: <c>Normal(loc: [2], scale: [2])</c>, one-element parameters by value.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder(GetType().Name).Append('(');
        bool first = true;
        foreach (var (name, _) in ArgConstraints)
        {
            if (!first) sb.Append(", ");
            first = false;
            var v = ParameterValue(name);
            sb.Append(name).Append(": ").Append(v.Numel() == 1 ? v.Detach().ToString() : v.Shape.ToString());
        }
        return sb.Append(')').ToString();
    }

    /// <summary>
    /// Broadcasts parameters to one shape (<c>broadcast_all</c>). Numbers (wrapped 0-d tensors) take
    /// the dtype of the tensor parameters, or the default float dtype when all are numbers.
    /// </summary>
    internal static Tensor[] BroadcastAll(string op, params Tensor[] values)
    {
        foreach (var v in values) ArgumentNullException.ThrowIfNull(v);
        DType dtype = values.FirstOrDefault(v => !v.IsWrappedNumber)?.DType ?? DTypes.DefaultFloat;
        if (!dtype.IsFloatingPoint()) dtype = DTypes.DefaultFloat;
        int[] shape = [];
        foreach (var v in values) shape = Dims.Broadcast(shape, v.Shape.AsSpan(), op);
        return values.Select(v =>
        {
            var t = v.IsWrappedNumber || !v.DType.IsFloatingPoint() ? v.To(dtype) : v;
            return t.Shape.AsSpan().SequenceEqual(shape) ? t : t.Expand(shape);
        }).ToArray();
    }

    /// <summary>A tensor of <paramref name="shape"/> filled with <paramref name="value"/>, of <paramref name="like"/>'s dtype and device.</summary>
    internal static Tensor FullLike(ReadOnlySpan<int> shape, double value, Tensor like) => Tensor.Full(shape, value, like.DType, like.Device);

    /// <summary>Sums the <paramref name="n"/> rightmost dims (<c>_sum_rightmost</c>).</summary>
    internal static Tensor SumRightmost(Tensor value, int n)
    {
        if (n == 0) return value;
        return value.Sum(Enumerable.Range(value.NDim - n, n).ToArray());
    }

    /// <summary>Clamps probabilities into [eps, 1 - eps] of their dtype (<c>clamp_probs</c>).</summary>
    internal static Tensor ClampProbs(Tensor probs)
    {
        double eps = Tensor.FInfo(probs.DType).Eps;
        return probs.Clamp(eps, 1 - eps);
    }
}
