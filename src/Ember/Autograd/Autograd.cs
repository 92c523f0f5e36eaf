using Ember.Graph;

namespace Ember;

// The public entry points of torch.autograd, and the recording helpers every differentiable op uses.
public static partial class Autograd
{
    internal const string FreedGraphMessage =
        "Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). " +
        "Saved intermediate values of the graph are freed when you call Backward() or Autograd.Grad(). " +
        "Specify retainGraph: true if you need to backward through the graph a second time or if you need to access saved tensors after calling backward.";

    /// <summary>
    /// Computes and returns the gradients of <paramref name="outputs"/> with respect to
    /// <paramref name="inputs"/>, without accumulating into any <see cref="Tensor.Grad"/>
    /// (<c>torch.autograd.grad</c>). An input the outputs do not depend on gives null when
    /// <paramref name="allowUnused"/>, else an error.
    /// </summary>
    public static Tensor?[] Grad(Tensor[] outputs, Tensor[] inputs, Tensor?[]? gradOutputs = null,
        bool? retainGraph = null, bool createGraph = false, bool allowUnused = false)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentNullException.ThrowIfNull(inputs);
        return Engine.Grad(outputs, inputs, gradOutputs, retainGraph ?? createGraph, createGraph, allowUnused);
    }

    /// <summary>The one-output, one-input form of <see cref="Grad(Tensor[], Tensor[], Tensor?[], bool?, bool, bool)"/>.</summary>
    public static Tensor? Grad(Tensor output, Tensor input, Tensor? gradOutput = null, bool? retainGraph = null, bool createGraph = false, bool allowUnused = false) =>
        Grad([output], [input], gradOutput is null ? null : [gradOutput], retainGraph, createGraph, allowUnused)[0];

    /// <summary>Backward from several outputs at once (<c>torch.autograd.backward</c>).</summary>
    public static void Backward(Tensor[] outputs, Tensor?[]? gradOutputs = null, bool? retainGraph = null, bool createGraph = false) =>
        Engine.Backward(outputs, gradOutputs, retainGraph ?? createGraph, createGraph);

    /// <summary>True when any input requires grad and grad mode is on: the op must record a node.</summary>
    internal static bool Recording(Tensor a) => IsGradEnabled && a.RequiresGrad;

    /// <inheritdoc cref="Recording(Tensor)"/>
    internal static bool Recording(Tensor a, Tensor b) => IsGradEnabled && (a.RequiresGrad || b.RequiresGrad);

    /// <inheritdoc cref="Recording(Tensor)"/>
    internal static bool Recording(ReadOnlySpan<Tensor?> inputs)
    {
        if (!IsGradEnabled) return false;
        foreach (var t in inputs) if (t is not null && t.RequiresGrad) return true;
        return false;
    }

    /// <summary>
    /// Records <paramref name="rule"/> as the producer of <paramref name="output"/>. Call only when
    /// <see cref="Recording(Tensor)"/> said so. <paramref name="saved"/> are kept (version-checked)
    /// for the formula; <paramref name="state"/> holds anything else it needs.
    /// </summary>
    internal static Tensor Record(this Rule rule, Tensor output, ReadOnlySpan<Tensor?> inputs, ReadOnlySpan<Tensor> saved = default, object? state = null)
    {
        Record(rule, [output], inputs, saved, state);
        return output;
    }

    /// <summary>Records a node with several outputs (each output tensor gets its output number).</summary>
    internal static void Record(this Rule rule, Tensor[] outputs, ReadOnlySpan<Tensor?> inputs, ReadOnlySpan<Tensor> saved = default, object? state = null)
    {
        var infos = new InputInfo[outputs.Length];
        for (int i = 0; i < outputs.Length; i++) infos[i] = new InputInfo(outputs[i].Shape.ToArray(), outputs[i].DType, outputs[i].Device);
        var node = new RuleNode(rule, infos) { State = state };
        Connect(node, inputs);
        node.Save(saved, outputs);
        for (int i = 0; i < outputs.Length; i++)
            if (outputs[i].DType.IsFloatingPoint()) outputs[i].SetGradFn(node, i);
    }

    /// <summary>Points a node's edges at the producers of its inputs and records their shapes and dtypes.</summary>
    internal static void Connect(Node node, ReadOnlySpan<Tensor?> inputs)
    {
        var edges = new Edge[inputs.Length];
        var infos = new InputInfo?[inputs.Length];
        for (int i = 0; i < inputs.Length; i++)
        {
            var t = inputs[i];
            if (t is null) continue;
            // Shapes are recorded for every input: formulas may read them (BackwardContext.InputShape).
            infos[i] = new InputInfo(t.Shape.ToArray(), t.DType, t.Device);
            if (t.RequiresGrad) edges[i] = t.GradientEdge();
        }
        node.NextEdges = edges;
        node.InputInfos = infos;
    }

    /// <summary>
    /// Before an in-place op on <paramref name="self"/>: refuses leaves that require grad (their
    /// gradient would describe values that no longer exist), as PyTorch does.
    /// </summary>
    internal static void CheckInPlace(Tensor self, string op)
    {
        if (IsGradEnabled && self.IsLeaf && self.RequiresGrad)
            throw new InvalidOperationException(
                $"{op}: a leaf Variable that requires grad is being used in an in-place operation. Do it under Autograd.NoGrad(), or on a Detach()ed copy.");
    }

    /// <summary>
    /// After an in-place op: <paramref name="self"/> now holds the op's output, so its history is
    /// rewritten to a node whose first input is what <paramref name="self"/> was before.
    /// </summary>
    internal static void RecordInPlace(this Rule rule, Tensor self, Edge previous, InputInfo previousInfo, ReadOnlySpan<Tensor?> otherInputs, ReadOnlySpan<Tensor> saved = default, object? state = null, ReadOnlySpan<long?> savedVersions = default)
    {
        var node = new RuleNode(rule, [new InputInfo(self.Shape.ToArray(), self.DType, self.Device)]) { State = state };
        var all = new Tensor?[otherInputs.Length + 1];
        otherInputs.CopyTo(all.AsSpan(1));
        Connect(node, all);
        node.NextEdges[0] = previous;
        node.InputInfos[0] = previousInfo;
        node.Save(saved, [self], savedVersions);
        self.SetGradFn(node, 0);
    }
}
