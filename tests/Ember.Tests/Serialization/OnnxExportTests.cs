using Ember.Jit;
using Ember.NN;
using Ember.Serialization;
using Ember.Serialization.OnnxProto;
using Ember.Vision.Models;
using Microsoft.ML.OnnxRuntime;
using Xunit;

namespace Ember.Tests.Serialization;

/// <summary>
/// Models exported with <see cref="Onnx.Export(Module{Tensor, Tensor}, Tensor, string, int, IReadOnlyList{DynamicDim}?)"/>
/// load in ONNX Runtime and give Ember's outputs (within 1e-5), at the traced batch size and, through the
/// dynamic batch dim, at another; the written file has the expected structure.
/// </summary>
[Collection("DefaultGenerator")]
public sealed class OnnxExportTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ember-onnx-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static float[] RunOrt(string path, Tensor x, out long[] shape)
    {
        using var session = new InferenceSession(path);
        using var input = OrtValue.CreateTensorValueFromMemory(x.Contiguous().ToArray<float>(), x.Layout.Shape.Select(d => (long)d).ToArray());
        using var options = new RunOptions();
        using var outputs = session.Run(options, ["input"], [input], session.OutputNames);
        shape = outputs[0].GetTensorTypeAndShape().Shape;
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }

    private static void AssertOrtMatches(Module<Tensor, Tensor> model, string path, Tensor x)
    {
        Tensor want;
        using (Ember.Autograd.NoGrad()) want = model.Call(x);
        float[] got = RunOrt(path, x, out var shape);
        Assert.Equal(want.Layout.Shape.Select(d => (long)d), shape);
        float[] w = want.Contiguous().ToArray<float>();
        double worst = w.Select((v, i) => Math.Abs(v - got[i])).Max();
        Assert.True(worst <= 1e-5, $"ONNX Runtime differs from Ember by up to {worst:G4} at input shape {x.Shape}.");
    }

    [Fact]
    public void LeNetRunsInOnnxRuntimeAtTheTracedAndAnotherBatchSize()
    {
        Tensor.ManualSeed(0);
        var net = new LeNet();
        net.Eval();
        string path = Path.Combine(_dir, "lenet.onnx");
        Onnx.Export(net, Tensor.Randn(4, 3, 32, 32), path, dynamicAxes: [DynamicDim.Batch]);
        AssertOrtMatches(net, path, Tensor.Randn(4, 3, 32, 32));
        AssertOrtMatches(net, path, Tensor.Randn(7, 3, 32, 32));
    }

    [Fact]
    public void MlpsRunInOnnxRuntime()
    {
        Tensor.ManualSeed(1);
        var mlp = new Mlp(784, 64);
        mlp.Eval();
        string path = Path.Combine(_dir, "mlp.onnx");
        Onnx.Export(mlp, Tensor.Randn(3, 1, 28, 28), path, dynamicAxes: [DynamicDim.Batch]);
        AssertOrtMatches(mlp, path, Tensor.Randn(3, 1, 28, 28));
        AssertOrtMatches(mlp, path, Tensor.Randn(10, 1, 28, 28));

        var deep = new Sequential(new Linear(10, 32), new Tanh(), new Linear(32, 32), new ReLU(), new Dropout(0.2), new Linear(32, 3), new Sigmoid());
        deep.Eval();
        string deepPath = Path.Combine(_dir, "deep.onnx");
        Onnx.Export(deep, Tensor.Randn(2, 10), deepPath, dynamicAxes: [DynamicDim.Batch]);
        AssertOrtMatches(deep, deepPath, Tensor.Randn(2, 10));
        AssertOrtMatches(deep, deepPath, Tensor.Randn(5, 10));
    }

    [Fact]
    public void BatchNormPoolingAndSoftmaxRunInOnnxRuntime()
    {
        Tensor.ManualSeed(2);
        var net = new Sequential(new Conv2d(3, 8, 3, padding: 1), new BatchNorm2d(8), new ReLU(), new AvgPool2d(2),
            new AdaptiveAvgPool2d(1), new Flatten(), new Linear(8, 4), new LogSoftmax(1));
        // Non-trivial running statistics, so BatchNormalization's inputs matter.
        using (Ember.Autograd.NoGrad()) net.Call(Tensor.Randn(6, 3, 8, 8) * 3 + 1);
        net.Eval();
        string path = Path.Combine(_dir, "bn.onnx");
        Onnx.Export(net, Tensor.Randn(2, 3, 8, 8), path, dynamicAxes: [DynamicDim.Batch]);
        AssertOrtMatches(net, path, Tensor.Randn(2, 3, 8, 8));
        AssertOrtMatches(net, path, Tensor.Randn(5, 3, 8, 8));
        var ops = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path)).Graph.Node.Select(n => n.OpType);
        Assert.Equal(["Conv", "BatchNormalization", "Relu", "AveragePool", "GlobalAveragePool", "Flatten", "Gemm", "LogSoftmax"], ops);
    }

    [Fact]
    public void TheWrittenLeNetHasOnnxOpsStateDictInitializersAndASymbolicBatch()
    {
        Tensor.ManualSeed(0);
        var net = new LeNet();
        net.Eval();
        string path = Path.Combine(_dir, "lenet.onnx");
        Onnx.Export(net, Tensor.Randn(4, 3, 32, 32), path, dynamicAxes: [DynamicDim.Batch]);
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));

        Assert.Equal(17, model.OpsetImport.Single().Version);
        Assert.Equal("Ember", model.ProducerName);
        Assert.Equal(["Conv", "Relu", "MaxPool", "Conv", "Relu", "MaxPool", "Flatten", "Gemm", "Relu", "Gemm", "Relu", "Gemm"],
            model.Graph.Node.Select(n => n.OpType));
        Assert.Equal(net.StateDict().Keys.Order(StringComparer.Ordinal), model.Graph.Initializer.Select(t => t.Name).Order(StringComparer.Ordinal));
        var w = model.Graph.Initializer.Single(t => t.Name == "conv1.weight");
        Assert.Equal([6L, 3, 5, 5], w.Dims);
        Assert.Equal(net.StateDict()["conv1.weight"].ToArray<float>(), System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(w.RawData.Span).ToArray());

        var input = model.Graph.Input.Single();
        Assert.Equal("input", input.Name);
        Assert.Equal((int)TensorProto.Types.DataType.Float, input.Type.TensorType.ElemType);
        var dims = input.Type.TensorType.Shape.Dim;
        Assert.Equal("batch", dims[0].DimParam);
        Assert.Equal([3L, 32, 32], dims.Skip(1).Select(d => d.DimValue));
        var output = model.Graph.Output.Single();
        Assert.Equal("output", output.Name);
        Assert.Equal("batch", output.Type.TensorType.Shape.Dim[0].DimParam);
        Assert.Equal(10, output.Type.TensorType.Shape.Dim[1].DimValue);
        var conv = model.Graph.Node[0];
        Assert.Equal(["input", "conv1.weight", "conv1.bias"], conv.Input);
        Assert.Equal([5L, 5], conv.Attribute.Single(a => a.Name == "kernel_shape").Ints);
        Assert.Equal(1, model.Graph.Node[7].Attribute.Single(a => a.Name == "transB").I);
        // Written under a temporary name and renamed: nothing else is left in the folder.
        Assert.Equal(["lenet.onnx"], Directory.GetFiles(_dir).Select(Path.GetFileName));
    }

    [Fact]
    public void AStaticExportHasFixedDimsAndRefusesAnotherBatchSizeInOnnxRuntime()
    {
        Tensor.ManualSeed(3);
        var mlp = new Mlp(784, 16);
        mlp.Eval();
        string path = Path.Combine(_dir, "static.onnx");
        Onnx.Export(mlp, Tensor.Randn(2, 1, 28, 28), path);
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
        Assert.Equal(2, model.Graph.Input.Single().Type.TensorType.Shape.Dim[0].DimValue);
        AssertOrtMatches(mlp, path, Tensor.Randn(2, 1, 28, 28));
        Assert.ThrowsAny<OnnxRuntimeException>(() => RunOrt(path, Tensor.Randn(3, 1, 28, 28), out _));
    }

    /// <summary>Ops beyond LeNet's: layer norm, a 3-d linear, transpose, squeeze/unsqueeze, cat, an in-place ReLU read afterwards, numbers in expressions, ReLU6, softmax.</summary>
    private sealed class Mixer : Module<Tensor, Tensor>
    {
        private readonly LayerNorm norm = new(6);
        private readonly Linear proj = new(6, 6);

        public override Tensor Forward(Tensor input)
        {
            var h = proj.Call(norm.Call(input));                    // [batch, 5, 6]: MatMul + Add
            var t = h.Transpose(1, 2).Unsqueeze(1).Squeeze(1);      // [batch, 6, 5]
            var r = h * 2 - 1;
            F.Relu(r, inplace: true);                               // later reads of r see the ReLU
            var c = Tensor.Cat([r, F.Relu6(t.Transpose(1, 2) * 3)], 2);
            return c.Softmax(-1) / 2;
        }
    }

    [Fact]
    public void LayerNormTransposesInPlaceOpsAndConstantsRunInOnnxRuntime()
    {
        Tensor.ManualSeed(4);
        var net = new Mixer();
        net.Eval();
        string path = Path.Combine(_dir, "mixer.onnx");
        Onnx.Export(net, Tensor.Randn(3, 5, 6), path, dynamicAxes: [DynamicDim.Batch]);
        AssertOrtMatches(net, path, Tensor.Randn(3, 5, 6));
        AssertOrtMatches(net, path, Tensor.Randn(8, 5, 6));
        var ops = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path)).Graph.Node.Select(n => n.OpType).ToHashSet();
        Assert.Superset(new HashSet<string> { "LayerNormalization", "MatMul", "Transpose", "Unsqueeze", "Squeeze", "Relu", "Clip", "Concat", "Softmax", "Div" }, ops);
    }

    // max_pool2d_with_indices has no exporter entry (ONNX MaxPool's Indices output counts differently).
    private sealed class PoolWithIndices : Module<Tensor, Tensor>
    {
        public override Tensor Forward(Tensor input) => F.MaxPool2dWithIndices(input, 2).Output;
    }

    [Fact]
    public void AnUnsupportedOpFailsTheExportWithItsNameAndWritesNothing()
    {
        string path = Path.Combine(_dir, "pool.onnx");
        var e = Assert.Throws<NotSupportedException>(() => Onnx.Export(new PoolWithIndices(), Tensor.Randn(1, 1, 4, 4), path));
        Assert.Contains("aten::max_pool2d_with_indices", e.Message, StringComparison.Ordinal);
        Assert.Contains("not supported by the ONNX exporter", e.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_dir));
    }

    [Fact]
    public void TrainingModeDropoutAndBadOpsetsAreRefused()
    {
        var net = new Sequential(new Linear(4, 4), new Dropout(0.5));
        string path = Path.Combine(_dir, "d.onnx");
        var e = Assert.Throws<NotSupportedException>(() => Onnx.Export(net, Tensor.Randn(2, 4), path));
        Assert.Contains("aten::dropout", e.Message, StringComparison.Ordinal);
        Assert.Contains("Eval()", e.Message, StringComparison.Ordinal);
        net.Eval();
        Assert.Throws<ArgumentOutOfRangeException>(() => Onnx.Export(net, Tensor.Randn(2, 4), path, opset: 9));
        Assert.Empty(Directory.GetFiles(_dir));
    }
}
