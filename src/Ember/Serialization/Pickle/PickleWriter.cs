using System.Buffers.Binary;
using System.Collections;
using System.Runtime.CompilerServices;
using System.Text;
using Ember.NN;

namespace Ember.Serialization.Pickle;

/// <summary>
/// Writes plain data as a protocol-2 pickle using only the opcodes PyTorch's <c>weights_only</c>
/// unpickler (1.13 and later) reads, so files need no trust to load. Tensors go through a callback
/// that writes their rebuild call (see <see cref="Torch.TorchWriter"/>).
/// </summary>
/// <remarks>
/// Mapping: null None, bool, integers int, float/double float (<c>BINFLOAT</c>, which 1.13's
/// weights_only loader lacks; PyTorch 2 reads it), string str, <c>object?[]</c> and value tuples tuple,
/// other arrays and lists list, dictionaries dict.
/// </remarks>
internal sealed class PickleWriter
{
    private const int MaxDepth = 512;
    private readonly MemoryStream _out = new();
    private readonly Action<PickleWriter, Tensor> _writeTensor;

    public PickleWriter(Action<PickleWriter, Tensor> writeTensor) => _writeTensor = writeTensor;

    /// <summary>The pickle of <paramref name="value"/>: PROTO 2, the value, STOP.</summary>
    public byte[] Dump(object? value)
    {
        Op(0x80); Op(2);
        Write(value, 0);
        Op((byte)'.');
        return _out.ToArray();
    }

    public void Op(byte b) => _out.WriteByte(b);

    public void Global(string module, string name)
    {
        Op((byte)'c');
        _out.Write(Encoding.UTF8.GetBytes($"{module}\n{name}\n"));
    }

    public void Mark() => Op((byte)'(');

    public void Int(long v)
    {
        Span<byte> b = stackalloc byte[8];
        if (v is >= 0 and <= byte.MaxValue) { Op((byte)'K'); Op((byte)v); }
        else if (v is >= 0 and <= ushort.MaxValue) { Op((byte)'M'); BinaryPrimitives.WriteUInt16LittleEndian(b, (ushort)v); _out.Write(b[..2]); }
        else if (v is >= int.MinValue and <= int.MaxValue) { Op((byte)'J'); BinaryPrimitives.WriteInt32LittleEndian(b, (int)v); _out.Write(b[..4]); }
        else { Op(0x8a); Op(8); BinaryPrimitives.WriteInt64LittleEndian(b, v); _out.Write(b); }
    }

    public void Str(string s)
    {
        var bytes = Encoding.UTF8.GetBytes(s);
        Span<byte> n = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(n, (uint)bytes.Length);
        Op((byte)'X'); _out.Write(n); _out.Write(bytes);
    }

    /// <summary>Writes a tuple of the given items (for rebuild arguments).</summary>
    public void Tuple(IReadOnlyList<object?> items, int depth = 0)
    {
        switch (items.Count)
        {
            case 0: Op((byte)')'); return;
            case 1: Write(items[0], depth + 1); Op(0x85); return;
            case 2: Write(items[0], depth + 1); Write(items[1], depth + 1); Op(0x86); return;
            case 3: Write(items[0], depth + 1); Write(items[1], depth + 1); Write(items[2], depth + 1); Op(0x87); return;
            default: Mark(); foreach (var i in items) Write(i, depth + 1); Op((byte)'t'); return;
        }
    }

    public void Write(object? v, int depth)
    {
        if (depth > MaxDepth) throw new ArgumentException($"save: the value nests deeper than {MaxDepth} levels (or contains itself).");
        switch (v)
        {
            case null: Op((byte)'N'); return;
            case bool b: Op(b ? (byte)0x88 : (byte)0x89); return;
            case long or int or short or sbyte or byte or ushort or uint: Int(Convert.ToInt64(v, System.Globalization.CultureInfo.InvariantCulture)); return;
            case ulong u: Int(u <= long.MaxValue ? (long)u : throw new ArgumentException($"save: the integer {u} does not fit 64 signed bits.")); return;
            case double or float:
            {
                Span<byte> b8 = stackalloc byte[8];
                BinaryPrimitives.WriteDoubleBigEndian(b8, Convert.ToDouble(v, System.Globalization.CultureInfo.InvariantCulture));
                Op((byte)'G'); _out.Write(b8);
                return;
            }
            case string s: Str(s); return;
            case Tensor t: _writeTensor(this, t); return;
            case Ember.Optim.OptimizerStateDict o: Write(PyValues.FromOptimizerState(o), depth + 1); return;
            case byte[]: throw new ArgumentException("save: bytes values are not supported (PyTorch's weights_only loader refuses them); store a uint8 tensor instead.");
            case object?[] tuple: Tuple(tuple, depth); return;
            case ITuple vt: Tuple(Enumerable.Range(0, vt.Length).Select(i => vt[i]).ToArray(), depth); return;
            case Module: throw new ArgumentException("save: a Module cannot be pickled; save its StateDict() instead (as PyTorch recommends).");
            case IDictionary d:
            {
                Op((byte)'}');
                if (d.Count == 0) return;
                Mark();
                foreach (DictionaryEntry e in d)
                {
                    if (e.Key is not (string or long or int or bool or double or ITuple or object?[]))
                        throw new ArgumentException($"save: a dict key of type {e.Key.GetType().Name} (keys must be strings, integers, floats, booleans or tuples).");
                    Write(e.Key, depth + 1); Write(e.Value, depth + 1);
                }
                Op((byte)'u');
                return;
            }
            case IEnumerable list:
            {
                Op((byte)']');
                var items = list.Cast<object?>().ToList();
                if (items.Count == 0) return;
                Mark();
                foreach (var i in items) Write(i, depth + 1);
                Op((byte)'e');
                return;
            }
            default:
                throw new ArgumentException($"save: values of type {v.GetType().Name} cannot be saved (supported: null, bool, numbers, strings, tensors, tuples, lists, dictionaries).");
        }
    }
}
