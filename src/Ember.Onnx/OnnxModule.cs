using System.Text;
using Ember.NN;
using Ember.Serialization.Import;

namespace Ember.Serialization;

/// <summary>
/// An ONNX model loaded by <see cref="Onnx.Load(string, long)"/> (what <c>onnxruntime.InferenceSession</c> is to
/// PyTorch users): a module whose forward runs the file's graph node by node with Ember's tensor ops.
/// Initializers are its parameters (floating point) and buffers (integer ones and batch-norm statistics),
/// named by their ONNX names, so <see cref="Module.StateDict"/> shows them — for a file Ember or PyTorch
/// exported those are the original module's state-dict keys. Autograd records through a run as through
/// any forward, so a loaded model can be fine-tuned.
/// </summary>
/// <remarks>
/// The graph is the inference graph the file holds: <c>Train()</c> / <c>Eval()</c> do not change what it
/// computes. Dims the file declares with a name (<c>dim_param</c>, such as a dynamic batch) may take any size
/// consistent across inputs; fixed dims must match.
/// </remarks>
public sealed class OnnxModule : Module<Tensor, Tensor>
{
    private readonly OnnxProgram _program;
    private readonly Dictionary<int, string> _stateKeyOfSlot = [];

    internal OnnxModule(OnnxProgram program)
    {
        _program = program;
        var names = program.Initializers.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var scopes = new Dictionary<string, Module>(StringComparer.Ordinal) { [""] = this };
        var taken = new HashSet<string>(StringComparer.Ordinal);
        // Dotted names first, so the submodules exist before a flattened name is checked against them.
        foreach (var (name, value, isBuffer, slot) in program.Initializers.OrderBy(i => IsPath(i.Name, names) ? 0 : 1))
        {
            // "conv1.weight" becomes parameter "weight" of a submodule "conv1", so the state-dict key is the ONNX name;
            // a name that cannot be a dotted path (empty parts, or a prefix of another name) is kept flat with '_' for '.'.
            var parts = name.Split('.');
            bool dotted = IsPath(name, names);
            string key;
            Module owner;
            if (dotted)
            {
                owner = Scope(scopes, parts[..^1]);
                key = name;
            }
            else
            {
                owner = this;
                key = name.Replace('.', '_');
                while (scopes.ContainsKey(key) || names.Contains(key) && key != name || !taken.Add(key)) key += "_";
                parts = [key];
            }
            taken.Add(key);
            if (isBuffer) owner.RegisterBuffer(parts[^1], value);
            else owner.RegisterParameter(parts[^1], new Parameter(value, requiresGrad: true));
            _stateKeyOfSlot[slot] = key;
        }
    }

    private static bool IsPath(string name, HashSet<string> names)
    {
        var parts = name.Split('.');
        return parts.Length > 1 && parts.All(p => p.Length > 0) && !Prefixes(name).Any(names.Contains);
    }

    private static IEnumerable<string> Prefixes(string name)
    {
        for (int i = name.IndexOf('.'); i >= 0; i = name.IndexOf('.', i + 1)) yield return name[..i];
    }

    private static Module Scope(Dictionary<string, Module> scopes, string[] path)
    {
        Module m = scopes[""];
        string at = "";
        foreach (var part in path)
        {
            string next = at.Length == 0 ? part : at + "." + part;
            if (!scopes.TryGetValue(next, out var child))
            {
                child = new OnnxScope();
                m.RegisterModule(part, child);
                scopes[next] = child;
            }
            (m, at) = (child, next);
        }
        return m;
    }

    /// <summary>The graph inputs, in order (initializers listed as inputs by old exporters excluded).</summary>
    public IReadOnlyList<string> InputNames => _program.Inputs.Select(i => i.Name).ToArray();

    /// <summary>The graph outputs, in order.</summary>
    public IReadOnlyList<string> OutputNames => _program.OutputNames;

    /// <summary>The default-domain opset version the file imports.</summary>
    public int Opset => _program.Opset;

    /// <summary>The producer the file names (<c>pytorch 1.13.1</c>, <c>Ember 0.1.0</c>).</summary>
    public string Producer => _program.Producer;

    /// <summary>The ONNX operators of the graph, one per node, in the order they run.</summary>
    public IReadOnlyList<string> Operators => _program.Steps.Select(s => s.OpType).ToArray();

    /// <summary>Runs the graph on one input and returns its one output (<c>session.run(None, {name: x})[0]</c>).</summary>
    /// <exception cref="InvalidOperationException">The graph has several inputs or outputs (use <see cref="Run"/>), or a node fails on this input.</exception>
    /// <exception cref="ArgumentException">The input's dtype or fixed sizes differ from what the file declares.</exception>
    public override Tensor Forward(Tensor input)
    {
        if (_program.Inputs.Length != 1 || _program.OutputNames.Length != 1)
            throw new InvalidOperationException($"OnnxModule: the graph takes {_program.Inputs.Length} input(s) and returns {_program.OutputNames.Length} output(s); call Run(inputs) instead of Forward.");
        return Run(input)[0];
    }

    /// <summary>Runs the graph on its inputs, in <see cref="InputNames"/> order, and returns every output in <see cref="OutputNames"/> order.</summary>
    /// <exception cref="ArgumentException">The number of inputs, a dtype or a fixed size differs from what the file declares.</exception>
    /// <exception cref="InvalidOperationException">A node fails on these inputs (the message names it and why); a <see cref="NotSupportedException"/> when the node asks for something Ember does not do.</exception>
    public Tensor[] Run(params Tensor[] inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        CheckInputs(inputs);
        var state = NamedParameters().Select(p => (p.Name, (Tensor)p.Parameter)).Concat(NamedBuffers()).ToDictionary(p => p.Item1, p => p.Item2);
        var slots = new Tensor?[_program.SlotCount];
        foreach (var (slot, key) in _stateKeyOfSlot)
            slots[slot] = state.TryGetValue(key, out var t) ? t : throw new InvalidOperationException($"OnnxModule: the graph reads '{key}', which the module no longer has.");
        for (int i = 0; i < inputs.Length; i++) slots[_program.InputSlots[i]] = inputs[i];
        foreach (var step in _program.Steps)
        {
            var args = new Tensor?[step.Inputs.Length];
            for (int j = 0; j < args.Length; j++)
                args[j] = step.Inputs[j] < 0 ? null : slots[step.Inputs[j]] ?? throw new InvalidOperationException($"OnnxModule: {step.Label} reads a value that was not computed.");
            Tensor[] outs;
            try
            {
                outs = step.Kernel(args);
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or InvalidDataException or ArithmeticException or KeyNotFoundException)
            {
                throw new InvalidOperationException($"OnnxModule: {step.Label} failed on inputs of shapes {Shapes(args)}: {e.Message}", e);
            }
            catch (NotSupportedException e)
            {
                throw new NotSupportedException($"OnnxModule: {step.Label} failed on inputs of shapes {Shapes(args)}: {e.Message}", e);
            }
            for (int j = 0; j < step.Outputs.Length && j < outs.Length; j++)
                if (step.Outputs[j] >= 0) slots[step.Outputs[j]] = outs[j];
            foreach (int s in step.FreeAfter) slots[s] = null;
        }
        var result = new Tensor[_program.OutputSlots.Length];
        for (int i = 0; i < result.Length; i++) result[i] = slots[_program.OutputSlots[i]]!;
        return result;
    }

    private static string Shapes(Tensor?[] args) => "(" + string.Join(", ", args.Select(a => a is null ? "None" : a.Shape.ToString())) + ")";

    private void CheckInputs(Tensor[] inputs)
    {
        if (inputs.Length != _program.Inputs.Length)
            throw new ArgumentException($"OnnxModule: the graph takes {_program.Inputs.Length} input(s) ({string.Join(", ", InputNames)}), got {inputs.Length}.");
        var symbols = new Dictionary<string, long>(StringComparer.Ordinal);
        for (int i = 0; i < inputs.Length; i++)
        {
            var want = _program.Inputs[i];
            var t = inputs[i] ?? throw new ArgumentNullException(nameof(inputs), $"OnnxModule: input {i} ('{want.Name}') is null.");
            if (t.DType != want.DType)
                throw new ArgumentException($"OnnxModule: input '{want.Name}' must be {want.DType.TorchName()}, got {t.DType.TorchName()} (shape {t.Shape}).");
            if (want.Dims is null) continue;
            bool ok = t.NDim == want.Dims.Length;
            for (int d = 0; ok && d < t.NDim; d++)
            {
                var (size, symbol) = want.Dims[d];
                long have = t.Shape[d];
                if (size is { } s) ok = s == have;
                else if (symbol is not null) ok = symbols.TryAdd(symbol, have) || symbols[symbol] == have;
            }
            if (!ok)
                throw new ArgumentException($"OnnxModule: input '{want.Name}' has shape {t.Shape}, but the model declares [{string.Join(", ", want.Dims.Select(DimText))}]" +
                    (symbols.Count > 0 ? $" (with {string.Join(", ", symbols.Select(p => $"{p.Key}={p.Value}"))})." : "."));
        }
    }

    private static string DimText((long? Size, string? Symbol) d) => d.Size?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? d.Symbol ?? "?";

    /// <summary>The graph, one node a line: <c>Conv_0: Conv(input, conv1.weight, conv1.bias)</c>.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.Append("OnnxModule(opset ").Append(Opset).Append(", ").Append(Producer).Append("): ")
          .Append(string.Join(", ", InputNames)).Append(" -> ").Append(string.Join(", ", OutputNames)).Append('\n');
        foreach (var s in _program.Steps) sb.Append("  ").Append(s.Label).Append('\n');
        return sb.ToString();
    }

    /// <summary>A submodule that only holds the parameters of one dotted name prefix.</summary>
    private sealed class OnnxScope : Module;
}
