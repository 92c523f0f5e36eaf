using Ember.NN;

// In the root namespace on purpose: a model from any namespace (Ember.Vision.Models, the user's own)
// chains with nothing more than the `using Ember;` every file that touches a Tensor already has.
namespace Ember;

/// <summary>
/// The <see cref="Module"/> methods that return the module itself, typed as the module's own type so
/// calls chain as in PyTorch: <c>new LeNet().To(DType.Float64).Eval()</c> is a <c>LeNet</c>.
/// </summary>
/// <remarks>
/// They are extension methods because an instance method on <see cref="Module"/> can only return
/// <see cref="Module"/>. Inside a module's own code, call them on <c>this</c> (<c>this.Eval()</c>), as
/// Python's <c>self.eval()</c>.
/// </remarks>
public static class ModuleExtensions
{
    /// <summary>
    /// Moves every parameter, gradient and buffer to <paramref name="device"/>, in place
    /// (<c>module.to(device)</c>): the same <see cref="Parameter"/> objects, so an optimizer built
    /// before keeps working.
    /// </summary>
    /// <exception cref="DeviceUnavailableException">The device cannot be used on this machine.</exception>
    public static T To<T>(this T module, Device device) where T : Module
    {
        ArgumentNullException.ThrowIfNull(module);
        module.ConvertTo(device, null, "to");
        return module;
    }

    /// <summary>The same as <see cref="To{T}(T, Device)"/> with the device named (<c>module.to("cpu")</c>).</summary>
    public static T To<T>(this T module, string device) where T : Module => module.To(Device.Parse(device));

    /// <summary>
    /// Casts every floating-point parameter, gradient and buffer to <paramref name="dtype"/>, in place
    /// (<c>module.to(dtype)</c>); integer and bool buffers keep their dtype, as in PyTorch.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="dtype"/> is not a floating-point dtype.</exception>
    public static T To<T>(this T module, DType dtype) where T : Module
    {
        ArgumentNullException.ThrowIfNull(module);
        module.ConvertTo(null, dtype, "to");
        return module;
    }

    /// <summary>Moves and casts in one pass (<c>module.to(device, dtype)</c>); see <see cref="To{T}(T, DType)"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="dtype"/> is not a floating-point dtype.</exception>
    /// <exception cref="DeviceUnavailableException">The device cannot be used on this machine.</exception>
    public static T To<T>(this T module, Device device, DType dtype) where T : Module
    {
        ArgumentNullException.ThrowIfNull(module);
        module.ConvertTo(device, dtype, "to");
        return module;
    }

    /// <summary>Casts floating-point parameters and buffers to float64, in place (<c>module.double()</c>).</summary>
    public static T Double<T>(this T module) where T : Module => module.To(DType.Float64);

    /// <summary>Casts floating-point parameters and buffers to float32, in place (<c>module.float()</c>).</summary>
    public static T Float<T>(this T module) where T : Module => module.To(DType.Float32);

    /// <summary>Moves parameters and buffers to the CPU, in place (<c>module.cpu()</c>).</summary>
    public static T Cpu<T>(this T module) where T : Module => module.To(Device.Cpu);

    /// <summary>Moves parameters and buffers to a CUDA device, in place (<c>module.cuda()</c>).</summary>
    /// <exception cref="DeviceUnavailableException">This build of Ember has no CUDA backend yet, or the device is absent.</exception>
    public static T Cuda<T>(this T module, int index = 0) where T : Module => module.To(Device.Cuda(index));

    /// <summary>Sets training mode on the module and every submodule (<c>module.train(mode)</c>).</summary>
    public static T Train<T>(this T module, bool mode = true) where T : Module
    {
        ArgumentNullException.ThrowIfNull(module);
        module.SetTraining(mode);
        return module;
    }

    /// <summary>Sets evaluation mode (<c>module.eval()</c>): dropout off, batch norm uses its running statistics.</summary>
    public static T Eval<T>(this T module) where T : Module => module.Train(false);

    /// <summary>
    /// Calls <paramref name="fn"/> on every submodule, depth first, then on the module itself
    /// (<c>module.apply(fn)</c>), e.g. to initialise weights:
    /// <c>model.Apply(m => { if (m is ConvNd c) Init.Normal_(c.Weight, 0, 0.02); })</c>.
    /// </summary>
    public static T Apply<T>(this T module, Action<Module> fn) where T : Module
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(fn);
        module.ApplyRecursively(fn);
        return module;
    }

    /// <summary>Sets <see cref="Tensor.RequiresGrad"/> on every parameter (<c>module.requires_grad_()</c>), e.g. to freeze a model.</summary>
    public static T RequiresGrad_<T>(this T module, bool requiresGrad = true) where T : Module
    {
        ArgumentNullException.ThrowIfNull(module);
        foreach (var p in module.Parameters()) p.RequiresGrad = requiresGrad;
        return module;
    }
}
