namespace Ember.NN;

public static partial class F
{
    /// <summary>
    /// Instance normalisation (<c>F.instance_norm</c>): each channel of each sample normalised over its
    /// spatial dims. As PyTorch does, this is <see cref="BatchNorm"/> of the input viewed as
    /// [1, N C, *], with the running statistics (when given) repeated per sample for the update and
    /// then averaged back over the samples. <paramref name="useInputStats"/> (true) normalises with
    /// each instance's statistics (and updates the running ones); false uses the running statistics.
    /// </summary>
    /// <exception cref="ArgumentException">Fewer than 3 dims, one spatial element while using input statistics, or statistics of the wrong size.</exception>
    public static Tensor InstanceNorm(Tensor input, Tensor? runningMean = null, Tensor? runningVar = null, Tensor? weight = null, Tensor? bias = null,
        bool useInputStats = true, double momentum = 0.1, double eps = 1e-5)
    {
        const string op = "instance_norm";
        ArgumentNullException.ThrowIfNull(input);
        if (input.NDim < 3)
            throw new ArgumentException($"{op}: expected an input with at least 3 dims (N, C, *), got size {input.Shape}.", nameof(input));
        int n = input.Size(0), c = input.Size(1);
        if (useInputStats && input.Numel() / Math.Max((long)n * c, 1) == 1)
            throw new ArgumentException($"{op}: Expected more than 1 spatial element when training, got input size {input.Shape}.", nameof(input));
        foreach (var (t, name) in new[] { (runningMean, "running_mean"), (runningVar, "running_var"), (weight, "weight"), (bias, "bias") })
            if (t is not null && (t.NDim != 1 || t.Size(0) != c))
                throw new ArgumentException($"{op}: {name} should contain {c} elements not {t.Numel()} (input size {input.Shape}).");
        var shape = input.Shape.ToArray();
        var flat = shape.ToArray();
        flat[0] = 1;
        flat[1] = n * c;
        var mean = runningMean?.Repeat(n);
        var var = runningVar?.Repeat(n);
        var outFlat = BatchNorm(input.Reshape(flat), mean, var, weight?.Repeat(n), bias?.Repeat(n), useInputStats, momentum, eps);
        using (Autograd.NoGrad())
        {
            if (runningMean is not null) runningMean.Copy_(mean!.View(n, c).Mean(0));
            if (runningVar is not null) runningVar.Copy_(var!.View(n, c).Mean(0));
        }
        return outFlat.Reshape(shape);
    }
}
