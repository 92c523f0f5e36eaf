namespace Ember.NN;

public abstract partial class Module
{
    /// <summary>
    /// Replaces the data of every parameter, parameter gradient and buffer of this module and all
    /// below it with <paramref name="fn"/> of it, in place (PyTorch's <c>Module._apply</c>): the tensor
    /// objects stay the same, so an optimizer built before, or any other reference to a parameter, sees
    /// the converted values. Each tensor is converted once, even when two modules share it.
    /// </summary>
    internal void ApplyToTensors(Func<Tensor, Tensor> fn)
    {
        var done = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        using var _ = Autograd.NoGrad();
        foreach (var m in Modules())
        {
            foreach (var (_, p) in m.OwnParameters())
            {
                if (p is null || !done.Add(p)) continue;
                var grad = p.Grad;
                Convert(p);
                if (grad is not null && done.Add(grad)) Convert(grad);
            }
            foreach (var (_, b, _) in m.OwnBuffers())
                if (b is not null && done.Add(b)) Convert(b);
        }

        void Convert(Tensor t)
        {
            var r = fn(t);
            if (!ReferenceEquals(r, t)) t.SetData(r);
        }
    }

    /// <summary>
    /// Moves and/or casts every parameter, gradient and buffer in place (<c>module.to(device, dtype)</c>);
    /// only floating-point tensors change dtype, so integer buffers (BatchNorm's <c>num_batches_tracked</c>)
    /// stay integers. Reached through <see cref="ModuleExtensions"/>, which return the module's own type.
    /// </summary>
    internal void ConvertTo(Device? device, DType? dtype, string op)
    {
        if (dtype is { } d && !d.IsFloatingPoint())
            throw new ArgumentException($"{op}: nn.Module.to only accepts floating point or complex dtypes, but got desired dtype={d.TorchName()}.");
        // Ask for the backend first, so an unavailable device fails the same way for a module with no tensors.
        if (device is { } dev) Backends.BackendRegistry.Get(dev);
        ApplyToTensors(t =>
        {
            var r = t;
            if (dtype is { } dt && r.DType.IsFloatingPoint()) r = r.To(dt);
            if (device is { } dv) r = r.To(dv);
            return r;
        });
    }

    /// <summary>Sets <see cref="Training"/> on this module and every module below it.</summary>
    internal void SetTraining(bool mode)
    {
        foreach (var m in Modules()) m.Training = mode;
    }

    /// <summary>Calls <paramref name="fn"/> on every submodule, depth first, then on this one.</summary>
    internal void ApplyRecursively(Action<Module> fn)
    {
        foreach (var c in Children()) c.ApplyRecursively(fn);
        fn(this);
    }
}
