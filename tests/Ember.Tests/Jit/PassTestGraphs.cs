using Ember.Jit;
using Ember.NN;

namespace Ember.Tests.Jit;

/// <summary>Small graphs for the pass tests: any forward over a module that holds a parameter and batch-norm buffers.</summary>
internal static class PassTestGraphs
{
    public sealed class Holder : Module
    {
        public readonly Parameter W = new(Tensor.Randn(4));

        public Holder()
        {
            RegisterBuffer("running_mean", Tensor.Zeros(4));
            RegisterBuffer("running_var", Tensor.Ones(4));
        }

        public Tensor Mean => NamedBuffers().First(b => b.Name == "running_mean").Buffer;
        public Tensor Var => NamedBuffers().First(b => b.Name == "running_var").Buffer;
    }

    /// <summary>Traces <paramref name="forward"/> over <paramref name="holder"/> at inputs of shape [3, 4], dim 0 dynamic (TracerWarnings suppressed).</summary>
    public static TracedModule Trace(Holder holder, Func<Tensor[], Tensor[]> forward, int inputs = 1)
    {
        using (Warnings.Suppress())
            return Ember.Jit.Jit.Trace(holder, forward, Enumerable.Range(0, inputs).Select(_ => Tensor.Randn(3, 4)).ToArray(),
                dynamicDims: Enumerable.Range(0, inputs).Select(i => new DynamicDim(i, 0)).ToArray());
    }

    public static string[] Ops(Ember.Jit.Graph g) => g.Nodes.Select(n => n.Op).ToArray();
}
