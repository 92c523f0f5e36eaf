using System.Text;
using Ember.Backends.Cpu;

namespace Ember.Printing;

/// <summary>
/// PyTorch's <c>_tensor_str</c> / <c>_str_intern</c> for Ember's dtypes: nested brackets indented
/// under <c>tensor(</c>, rows wrapped at the line width, large tensors summarized to their edge items,
/// then the suffixes (device, size of empty tensors, non-default dtype) wrapped the same way.
/// </summary>
internal static class TensorPrinter
{
    private const string Prefix = "tensor(";

    /// <summary>
    /// The repr of <paramref name="t"/> as if it lived on <paramref name="shownDevice"/> (the data is read
    /// from a CPU copy; the device only decides the suffix).
    /// </summary>
    public static string Repr(Tensor t, PrintOptions o, Device shownDevice)
    {
        int indent = Prefix.Length;
        var suffixes = new List<string>();
        if (shownDevice.Type != DeviceType.Cpu) suffixes.Add($"device='{shownDevice}'");
        string body;
        if (t.Numel() == 0)
        {
            // An empty tensor shows its shape unless it is [0], and its dtype unless it is the default
            // float: with no elements there is nothing to tell an int64 from a float by.
            if (t.NDim != 1) suffixes.Add("size=" + PythonTuple(t.Layout.Shape));
            if (t.DType != DTypes.DefaultFloat) suffixes.Add("dtype=" + t.DType.TorchName());
            body = "[]";
        }
        else
        {
            if (t.DType != DTypes.DefaultFloat && t.DType != DType.Int64 && t.DType != DType.Bool)
                suffixes.Add("dtype=" + t.DType.TorchName());
            body = new Body(t, o, indent).Render();
        }
        if (t.GradFn is { } fn) suffixes.Add($"grad_fn=<{fn.Name}>");
        else if (t.RequiresGrad) suffixes.Add("requires_grad=True");
        return AddSuffixes(Prefix + body, suffixes, indent, o.LineWidth);
    }

    private static string PythonTuple(int[] shape) =>
        shape.Length == 1 ? $"({shape[0]},)" : "(" + string.Join(", ", shape) + ")";

    private static string AddSuffixes(string tensorStr, List<string> suffixes, int indent, int lineWidth)
    {
        var sb = new StringBuilder(tensorStr);
        // As PyTorch (including its off-by-two when there is no newline): the last line's length + 1.
        int lastLineLen = tensorStr.Length - tensorStr.LastIndexOf('\n') + 1;
        foreach (string suffix in suffixes)
        {
            if (lastLineLen + suffix.Length + 2 > lineWidth)
            {
                sb.Append(",\n").Append(' ', indent).Append(suffix);
                lastLineLen = indent + suffix.Length;
            }
            else
            {
                sb.Append(", ").Append(suffix);
                lastLineLen += suffix.Length + 2;
            }
        }
        return sb.Append(')').ToString();
    }

    /// <summary>The bracketed contents of a non-empty tensor.</summary>
    private sealed class Body
    {
        private readonly Layout _layout;
        private readonly DType _dtype;
        private readonly PrintOptions _o;
        private readonly int _indent;
        private readonly bool _summarize;
        private readonly Func<int, double> _readFloat = _ => 0;
        private readonly Func<int, long> _readInt = _ => 0;
        private readonly ElementFormatter _formatter;

        public Body(Tensor t, PrintOptions o, int indent)
        {
            var cpu = t.Device.Type == DeviceType.Cpu ? t : t.Cpu();
            _layout = cpu.Layout;
            _dtype = cpu.DType;
            _o = o;
            _indent = indent;
            _summarize = _layout.NumElements > o.Threshold;
            var s = cpu.Storage;
            switch (_dtype)
            {
                case DType.Float32: { var d = CpuBackend.Data<float>(s); _readFloat = i => d[i]; break; }
                case DType.Float64: { var d = CpuBackend.Data<double>(s); _readFloat = i => d[i]; break; }
                case DType.Int64: { var d = CpuBackend.Data<long>(s); _readInt = i => d[i]; break; }
                case DType.Int32: { var d = CpuBackend.Data<int>(s); _readInt = i => d[i]; break; }
                case DType.UInt8: case DType.Bool: { var d = CpuBackend.Data<byte>(s); _readInt = i => d[i]; break; }
            }
            // The formatter sees exactly the elements that will be printed (PyTorch's get_summarized_data).
            var floats = new List<double>();
            var ints = new List<long>();
            Visit(0, _layout.Offset, i => { if (_dtype.IsFloatingPoint()) floats.Add(_readFloat(i)); else ints.Add(_readInt(i)); });
            _formatter = new ElementFormatter(_dtype, floats, ints, o);
        }

        /// <summary>The indices shown along a dim of <paramref name="size"/>: all, or the edges with a gap (-1) between.</summary>
        private IEnumerable<int> Shown(int size)
        {
            int edge = _o.EdgeItems;
            if (!_summarize || size <= 2 * edge)
            {
                for (int i = 0; i < size; i++) yield return i;
                yield break;
            }
            for (int i = 0; i < edge; i++) yield return i;
            yield return -1;
            for (int i = size - edge; i < size; i++) yield return i;
        }

        private void Visit(int dim, int offset, Action<int> element)
        {
            if (dim == _layout.Rank) { element(offset); return; }
            foreach (int i in Shown(_layout.Shape[dim]))
                if (i >= 0) Visit(dim + 1, offset + i * _layout.Strides[dim], element);
        }

        private string Element(int storageIndex) =>
            _dtype.IsFloatingPoint() ? _formatter.Format(_readFloat(storageIndex)) : _formatter.Format(_dtype, _readInt(storageIndex));

        public string Render() => _layout.Rank == 0 ? Element(_layout.Offset) : Render(0, _layout.Offset, _indent);

        private string Render(int dim, int offset, int indent)
        {
            int rank = _layout.Rank;
            int stride = _layout.Strides[dim];
            if (dim == rank - 1)
            {
                int elementLength = _formatter.Width + 2;
                int perLine = Math.Max(1, (int)Math.Floor((_o.LineWidth - indent) / (double)elementLength));
                var data = Shown(_layout.Shape[dim]).Select(i => i < 0 ? " ..." : Element(offset + i * stride)).ToList();
                var lines = new List<string>();
                for (int i = 0; i < data.Count; i += perLine)
                    lines.Add(string.Join(", ", data.Skip(i).Take(perLine)));
                return "[" + string.Join(",\n" + new string(' ', indent + 1), lines) + "]";
            }
            var slices = Shown(_layout.Shape[dim]).Select(i => i < 0 ? "..." : Render(dim + 1, offset + i * stride, indent + 1));
            string sep = "," + new string('\n', rank - dim - 1) + new string(' ', indent + 1);
            return "[" + string.Join(sep, slices) + "]";
        }
    }
}
