using Ember.Jit;
using Ember.NN;
using Ember.Serialization;
using Microsoft.ML.OnnxRuntime;
using Xunit;

namespace Ember.Tests.Serialization;

/// <summary>
/// The exporter's reductions (ReduceSum/ReduceMean), embedding (Gather), GELU (Erf- and Tanh-based below opset 20,
/// Gelu from 20), masked_fill (Where), expand, narrow (Slice), chunk/unbind (Split) and stack (Unsqueeze + Concat):
/// each exported model runs in ONNX Runtime and, loaded back with <see cref="Onnx.Load(string, long)"/>, in Ember,
/// giving the eager outputs within 1e-5 at two batch sizes.
/// </summary>
[Collection("DefaultGenerator")]
public sealed class OnnxExportMoreOpsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ember-onnx-more-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Every op of the list in one forward, over an input [batch, 6, 8].</summary>
    private sealed class Mixed : Module<Tensor, Tensor>
    {
        [Buffer] private readonly Tensor mask = Tensor.Rand(6, 8).Lt(Tensor.Scalar(0.3f));
        private readonly Parameter shift = new(Tensor.Randn(1, 4));

        public override Tensor Forward(Tensor x)
        {
            var h = F.Gelu(x) + F.Gelu(x * 0.5, "tanh");
            var e = h.Sum(2, keepDim: true) + h.Mean([1], keepDim: true) + h.Sum([1, 2], keepDim: true) * 0.01;
            var f = e.MaskedFill(mask, Tensor.Scalar(-1f));
            var g = Tensor.Stack(f.Chunk(2, 1), 1);              // [batch, 2, 3, 8]
            var u = g.Unbind(1);
            var n = u[0].Narrow(2, 1, 4) + u[1].Narrow(2, 3, 4); // [batch, 3, 4]
            return n * shift.Expand(3, 4) + h.Mean();
        }
    }

    private sealed class Bag : Module<Tensor, Tensor>
    {
        private readonly Embedding emb = new(20, 6);
        private readonly Linear fc = new(6, 3);

        public override Tensor Forward(Tensor tokens) => fc.Call(F.Gelu(emb.Call(tokens)).Mean(1));
    }

    private static Tensor RunOrt(string path, Tensor x)
    {
        using var session = new InferenceSession(path);
        long[] shape = x.Layout.Shape.Select(d => (long)d).ToArray();
        using var input = x.DType == DType.Int64
            ? OrtValue.CreateTensorValueFromMemory(x.Contiguous().ToArray<long>(), shape)
            : OrtValue.CreateTensorValueFromMemory(x.Contiguous().ToArray<float>(), shape);
        using var options = new RunOptions();
        using var outputs = session.Run(options, [session.InputNames[0]], [input], session.OutputNames);
        var outShape = outputs[0].GetTensorTypeAndShape().Shape.Select(d => (int)d).ToArray();
        return Tensor.From<float>(outputs[0].GetTensorDataAsSpan<float>().ToArray(), outShape);
    }

    private static void AssertClose(Tensor want, Tensor got, string what)
    {
        Assert.Equal(want.Shape, got.Shape);
        double worst = (got.To(DType.Float64) - want.To(DType.Float64)).Abs().Max().Item().ToDouble();
        Assert.True(worst <= 1e-5, $"{what}: differs from Ember's eager output by up to {worst:G4}.");
    }

    private void Check(Module<Tensor, Tensor> model, Func<int, Tensor> input, int opset, string name)
    {
        model.Eval();
        string path = Path.Combine(_dir, $"{name}_{opset}.onnx");
        Onnx.Export(model, input(2), path, opset, dynamicAxes: [DynamicDim.Batch]);
        var loaded = Onnx.Load(path);
        foreach (int batch in new[] { 2, 5 })
        {
            var x = input(batch);
            Tensor want;
            using (Ember.Autograd.NoGrad()) want = model.Call(x);
            AssertClose(want, RunOrt(path, x), $"{name} (opset {opset}) in ONNX Runtime at batch {batch}");
            using (Ember.Autograd.NoGrad()) AssertClose(want, loaded.Call(x), $"{name} (opset {opset}) loaded back at batch {batch}");
        }
    }

    [Theory]
    [InlineData(13)]
    [InlineData(17)]
    [InlineData(18)]
    [InlineData(20)]
    public void ReductionsGeluMaskedFillAndViewOpsExport(int opset)
    {
        Tensor.ManualSeed(11);
        Check(new Mixed(), b => Tensor.Randn(b, 6, 8), opset, "mixed");
    }

    [Theory]
    [InlineData(13)]
    [InlineData(17)]
    public void EmbeddingExportsAsGather(int opset)
    {
        Tensor.ManualSeed(12);
        Check(new Bag(), b => Tensor.RandInt(0, 20, [b, 5]), opset, "bag");
    }
}
