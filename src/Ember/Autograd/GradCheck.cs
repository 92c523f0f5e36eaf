using System.Globalization;

namespace Ember;

/// <summary>Thrown by <see cref="Autograd.GradCheck(Func{Tensor[], Tensor}, Tensor[], double, double, double)"/> when analytical and numerical gradients disagree.</summary>
public sealed class GradCheckException(string message) : Exception(message);

public static partial class Autograd
{
    /// <summary>
    /// Checks the gradients that autograd computes for <paramref name="fn"/> against central finite
    /// differences (<c>torch.autograd.gradcheck</c>). Inputs that require grad must be float64 CPU
    /// tensors without overlapping elements; every such input is perturbed element by element by
    /// ±<paramref name="eps"/>. Returns true, or throws <see cref="GradCheckException"/> naming the
    /// output, input and element that differ.
    /// </summary>
    public static bool GradCheck(Func<Tensor[], Tensor> fn, Tensor[] inputs, double eps = 1e-6, double atol = 1e-5, double rtol = 1e-3) =>
        GradCheck(x => [fn(x)], inputs, eps, atol, rtol);

    /// <summary>The several-output form of <see cref="GradCheck(Func{Tensor[], Tensor}, Tensor[], double, double, double)"/>.</summary>
    public static bool GradCheck(Func<Tensor[], Tensor[]> fn, Tensor[] inputs, double eps = 1e-6, double atol = 1e-5, double rtol = 1e-3)
    {
        ArgumentNullException.ThrowIfNull(fn);
        ArgumentNullException.ThrowIfNull(inputs);
        var diff = Enumerable.Range(0, inputs.Length).Where(i => inputs[i].RequiresGrad).ToArray();
        if (diff.Length == 0) throw new ArgumentException("gradcheck: no input requires grad; set RequiresGrad on the inputs to check.");
        foreach (int i in diff)
        {
            var t = inputs[i];
            if (t.DType != DType.Float64 || t.Device.Type != DeviceType.Cpu)
                throw new ArgumentException($"gradcheck: input {i} is {t.DType.TorchName()} on {t.Device}; finite differences need float64 CPU inputs.");
            if (!t.Layout.IsDense && HasOverlap(t))
                throw new ArgumentException($"gradcheck: input {i} (shape {t.Shape}, strides {Shape.Format(t.Layout.Strides)}) has elements sharing memory; perturbing one would move several.");
        }

        Tensor[] outputs = fn(inputs);
        var outIdx = Enumerable.Range(0, outputs.Length).Where(o => outputs[o].DType.IsFloatingPoint()).ToArray();

        foreach (int o in outIdx)
        {
            int nOut = (int)outputs[o].Numel();
            foreach (int i in diff)
            {
                int nIn = (int)inputs[i].Numel();
                var numerical = NumericalJacobian(fn, inputs, i, o, eps);   // [nIn, nOut]
                var analytical = new double[nIn, nOut];
                for (int k = 0; k < nOut; k++)
                {
                    if (!outputs[o].RequiresGrad) break; // gradient is zero everywhere
                    var gradOuts = new Tensor?[outputs.Length];
                    for (int q = 0; q < outputs.Length; q++) gradOuts[q] = Tensor.ZerosLike(outputs[q]);
                    var onehot = Tensor.Zeros(outputs[o].Shape.ToArray(), outputs[o].DType);
                    onehot.AsSpan<double>()[k] = 1;
                    gradOuts[o] = onehot;
                    var reqOutputs = Enumerable.Range(0, outputs.Length).Where(q => outputs[q].RequiresGrad).ToArray();
                    var g = Grad(reqOutputs.Select(q => outputs[q]).ToArray(), [inputs[i]], reqOutputs.Select(q => gradOuts[q]).ToArray(),
                        retainGraph: true, allowUnused: true)[0];
                    if (g is null) continue;
                    if (g.Shape != inputs[i].Shape)
                        throw new GradCheckException($"gradcheck: the gradient of input {i} has shape {g.Shape}, expected {inputs[i].Shape}.");
                    var gv = g.ToArray<double>();
                    for (int j = 0; j < nIn; j++) analytical[j, k] = gv[j];
                }
                for (int j = 0; j < nIn; j++)
                    for (int k = 0; k < nOut; k++)
                    {
                        double a = analytical[j, k], n = numerical[j, k];
                        if (double.IsNaN(a) != double.IsNaN(n) || Math.Abs(a - n) > atol + rtol * Math.Abs(n))
                            throw new GradCheckException(string.Create(CultureInfo.InvariantCulture,
                                $"gradcheck: Jacobian mismatch for output {o} with respect to input {i}: d out[{k}] / d in[{j}] is {a:R} analytically but {n:R} numerically (atol {atol}, rtol {rtol})."));
                    }
            }
        }
        return true;
    }

    /// <summary>
    /// Checks second derivatives (<c>torch.autograd.gradgradcheck</c>): runs <see cref="GradCheck(Func{Tensor[], Tensor[]}, Tensor[], double, double, double)"/>
    /// on the function that maps (inputs, v) to the vector-Jacobian product of <paramref name="fn"/>
    /// with v, computed with <c>createGraph</c>. v is drawn from a fixed seed when not given.
    /// </summary>
    public static bool GradGradCheck(Func<Tensor[], Tensor> fn, Tensor[] inputs, Tensor? gradOutput = null, double eps = 1e-6, double atol = 1e-5, double rtol = 1e-3)
    {
        var y = fn(inputs);
        var v = gradOutput ?? Tensor.Randn(y.Shape.ToArray(), dtype: DType.Float64, generator: new Generator(12345));
        v = v.Detach().Clone().RequiresGrad_();
        var diff = Enumerable.Range(0, inputs.Length).Where(i => inputs[i].RequiresGrad).ToArray();
        Tensor[] VectorJacobian(Tensor[] all)
        {
            var xs = all[..inputs.Length];
            var gv = all[inputs.Length];
            var outT = fn(xs);
            var grads = Grad([outT], diff.Select(i => xs[i]).ToArray(), [gv], createGraph: true, allowUnused: true);
            // An unused input's gradient is identically zero: represent it so the check still covers the rest.
            return grads.Select((g, j) => g ?? Tensor.ZerosLike(xs[diff[j]])).ToArray();
        }
        return GradCheck(VectorJacobian, [.. inputs, v], eps, atol, rtol);
    }

    private static bool HasOverlap(Tensor t)
    {
        for (int d = 0; d < t.NDim; d++) if (t.Layout.Strides[d] == 0 && t.Layout.Shape[d] > 1) return true;
        // Non-dense but not broadcast: check distinct storage indices.
        var seen = new HashSet<int>();
        foreach (int idx in StorageIndices(t)) if (!seen.Add(idx)) return true;
        return false;
    }

    private static IEnumerable<int> StorageIndices(Tensor t)
    {
        var shape = t.Layout.Shape; var strides = t.Layout.Strides;
        int n = t.Layout.NumElements;
        var idx = new int[shape.Length];
        for (int e = 0; e < n; e++)
        {
            int off = t.Layout.Offset;
            for (int d = 0; d < shape.Length; d++) off += idx[d] * strides[d];
            yield return off;
            for (int d = shape.Length - 1; d >= 0; d--) { if (++idx[d] < shape[d]) break; idx[d] = 0; }
        }
    }

    private static double[,] NumericalJacobian(Func<Tensor[], Tensor[]> fn, Tensor[] inputs, int i, int o, double eps)
    {
        var x = inputs[i];
        var data = ((CpuStorage<double>)x.Storage).Data;
        var positions = StorageIndices(x).ToArray();
        double[,]? jac = null;
        // Grad mode stays as it is: a function may itself call Grad (gradgradcheck does).
        for (int j = 0; j < positions.Length; j++)
        {
            int p = positions[j];
            double orig = data[p];
            data[p] = orig + eps;
            var plus = fn(inputs)[o].ToArray<double>();
            data[p] = orig - eps;
            var minus = fn(inputs)[o].ToArray<double>();
            data[p] = orig;
            jac ??= new double[positions.Length, plus.Length];
            for (int k = 0; k < plus.Length; k++) jac[j, k] = (plus[k] - minus[k]) / (2 * eps);
        }
        return jac ?? new double[0, 0];
    }
}
