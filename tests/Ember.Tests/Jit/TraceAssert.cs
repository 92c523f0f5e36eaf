using Ember.Jit;
using Ember.NN;
using Xunit;

namespace Ember.Tests.Jit;

/// <summary>Shared checks: a traced module gives exactly the eager module's outputs, with no TracerWarning on the way.</summary>
internal static class TraceAssert
{
    /// <summary>Traces <paramref name="model"/> at <paramref name="example"/> with a dynamic batch dim, then compares trace and eager on each new input bit for bit.</summary>
    public static TracedModule ReplaysExactly(Module<Tensor, Tensor> model, Tensor example, params Tensor[] newInputs)
    {
        TracedModule traced;
        using (var w = Warnings.Capture())
        {
            traced = Ember.Jit.Jit.Trace(model, example, dynamicDims: [DynamicDim.Batch]);
            Assert.DoesNotContain(w, x => x.Category == WarningCategory.TracerWarning);
        }
        foreach (var x in newInputs.Prepend(example))
        {
            var eager = model.Call(x);
            var replay = traced.Call(x);
            Assert.Equal(eager.Shape, replay.Shape);
            Assert.True(eager.Equal(replay), $"trace and eager differ for input {x.Shape}: max |diff| {(eager - replay).Abs().Max().Item<float>()}");
        }
        return traced;
    }
}
