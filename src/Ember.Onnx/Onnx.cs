using Ember.Jit;
using Ember.NN;
using Google.Protobuf;

namespace Ember.Serialization;

/// <summary>
/// ONNX files (<c>torch.onnx.export</c>): writes a traced module as a standard ONNX model that ONNX Runtime and
/// other ONNX tools load. The graph is traced with <see cref="Ember.Jit.Jit"/>, each traced op becomes one or a few
/// ONNX operators, parameters and buffers become initializers named by their state-dict keys, and dynamic
/// dims become symbolic dims (<c>dim_param</c>). See docs/graph-mode.md.
/// </summary>
public static partial class Onnx
{
    /// <summary>The operator-set version written unless another is asked for (PyTorch 2's default).</summary>
    public const int DefaultOpset = 17;

    /// <summary>The lowest operator set the exporter writes: 13, where Softmax took its per-axis meaning and Squeeze/Unsqueeze take axes as inputs.</summary>
    public const int MinOpset = 13;

    /// <summary>The highest operator set the exporter writes (the operators it emits are unchanged up to there).</summary>
    public const int MaxOpset = 21;

    /// <summary>
    /// Traces <paramref name="module"/> on <paramref name="exampleInput"/> and writes it to <paramref name="path"/>
    /// (<c>torch.onnx.export(model, x, path, opset_version=17, dynamic_axes=...)</c>). The module should be in
    /// eval mode: dropout and batch norm are exported as they run at inference.
    /// </summary>
    /// <param name="module">The module to export.</param>
    /// <param name="exampleInput">An input the forward is traced with.</param>
    /// <param name="path">The file to write; replaced atomically (written under a temporary name, then renamed).</param>
    /// <param name="opset">The ONNX operator-set version, <see cref="MinOpset"/> to <see cref="MaxOpset"/>.</param>
    /// <param name="dynamicAxes">Dims whose size may vary (usually <see cref="DynamicDim.Batch"/>); they are written as symbolic dims named <see cref="DynamicDim.Name"/>.</param>
    /// <exception cref="NotSupportedException">The graph holds an op the exporter does not map (named in the message), or an op in a form ONNX cannot express.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="opset"/> is out of range.</exception>
    public static void Export(Module<Tensor, Tensor> module, Tensor exampleInput, string path, int opset = DefaultOpset, IReadOnlyList<DynamicDim>? dynamicAxes = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(exampleInput);
        CheckOpset(opset);
        Export(Ember.Jit.Jit.Trace(module, exampleInput, dynamicDims: dynamicAxes), path, opset);
    }

    /// <summary>
    /// Writes an already traced module to <paramref name="path"/>; its dynamic dims (traced with
    /// <c>dynamicDims</c>) become symbolic dims. Nothing is written when an op cannot be exported.
    /// </summary>
    /// <param name="traced">The traced module; its parameters and buffers are written as initializers.</param>
    /// <param name="path">The file to write; replaced atomically.</param>
    /// <param name="opset">The ONNX operator-set version, <see cref="MinOpset"/> to <see cref="MaxOpset"/>.</param>
    /// <exception cref="NotSupportedException">The graph holds an op the exporter does not map (named in the message).</exception>
    public static void Export(TracedModule traced, string path, int opset = DefaultOpset)
    {
        ArgumentNullException.ThrowIfNull(traced);
        ArgumentException.ThrowIfNullOrEmpty(path);
        var bytes = ToModel(traced, opset).ToByteArray();
        AtomicFile.Write(path, s => s.Write(bytes));
    }

    /// <summary>The model as it would be written (tests read its structure).</summary>
    internal static OnnxProto.ModelProto ToModel(TracedModule traced, int opset = DefaultOpset)
    {
        CheckOpset(opset);
        var state = traced.NamedParameters().Select(p => (p.Name, (Tensor)p.Parameter)).Concat(traced.NamedBuffers())
            .GroupBy(p => p.Item1).ToDictionary(g => g.Key, g => g.First().Item2);
        var graph = new OnnxGraphBuilder(traced.Graph, state, opset).Build();
        var model = new OnnxProto.ModelProto
        {
            IrVersion = 8,
            ProducerName = "Ember",
            ProducerVersion = typeof(Tensor).Assembly.GetName().Version?.ToString(3) ?? "0.1.0",
            Graph = graph,
        };
        model.OpsetImport.Add(new OnnxProto.OperatorSetIdProto { Domain = "", Version = opset });
        return model;
    }

    private static void CheckOpset(int opset)
    {
        if (opset < MinOpset || opset > MaxOpset)
            throw new ArgumentOutOfRangeException(nameof(opset), opset, $"Onnx.Export: opset {opset} is not supported; the exporter writes opsets {MinOpset} to {MaxOpset}.");
    }
}
