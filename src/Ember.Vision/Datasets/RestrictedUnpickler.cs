using System.Buffers.Binary;
using System.Text;

namespace Ember.Vision.Datasets;

/// <summary>A numpy array read from a pickle: its shape, its dtype string (e.g. "u1") and raw bytes.</summary>
internal sealed class NpArray
{
    public int[] Shape = [];
    public string DType = "";
    public byte[] Data = [];
    public bool Fortran;
}

/// <summary>
/// A pickle reader that understands only what CIFAR's python files (and the same data re-pickled by
/// Python 3 with protocols 2 to 4) contain: dicts, lists, tuples, ints, strings, bytes, booleans,
/// None, and numpy uint8 arrays rebuilt through <c>numpy.core.multiarray._reconstruct</c>. Unpickling
/// is code execution in general; this reader refuses every other opcode and every other global by
/// name, so a crafted file cannot make it call anything.
/// </summary>
internal sealed class RestrictedUnpickler
{
    private static readonly HashSet<string> AllowedGlobals =
    [
        "numpy.core.multiarray._reconstruct", "numpy._core.multiarray._reconstruct",
        "numpy.ndarray", "numpy.dtype", "_codecs.encode",
    ];

    private sealed class Global(string name) { public readonly string Name = name; }
    private sealed class NpDType(string str) { public readonly string Str = str; }
    private sealed class Mark;
    private static readonly Mark MarkObj = new();

    private readonly byte[] _b;
    private int _p;
    private readonly string _what;
    private readonly List<object?> _stack = [];
    private readonly Dictionary<int, object?> _memo = [];

    private RestrictedUnpickler(byte[] bytes, string what) { _b = bytes; _what = what; }

    /// <summary>Reads one pickled object from <paramref name="bytes"/>; <paramref name="what"/> names the file in errors.</summary>
    public static object? Load(byte[] bytes, string what) => new RestrictedUnpickler(bytes, what).Run();

    private InvalidDataException Bad(string message) => new($"{_what}: {message} (at byte {_p}). Ember's restricted pickle reader only loads the dicts, lists, strings and numpy uint8 arrays found in CIFAR's python files.");

    private byte U8() => _p < _b.Length ? _b[_p++] : throw Bad("unexpected end of the pickle");
    private ReadOnlySpan<byte> Take(long n)
    {
        if (n < 0 || _p + n > _b.Length) throw Bad("unexpected end of the pickle");
        var s = _b.AsSpan(_p, (int)n); _p += (int)n; return s;
    }
    private string Line()
    {
        int end = Array.IndexOf(_b, (byte)'\n', _p);
        if (end < 0) throw Bad("unterminated text field");
        string s = Encoding.ASCII.GetString(_b, _p, end - _p); _p = end + 1; return s;
    }

    private object? Pop() { if (_stack.Count == 0) throw Bad("stack underflow"); var o = _stack[^1]; _stack.RemoveAt(_stack.Count - 1); return o; }
    private object? Top() => _stack.Count > 0 ? _stack[^1] : throw Bad("stack underflow");
    private List<object?> PopToMark()
    {
        int m = _stack.FindLastIndex(o => ReferenceEquals(o, MarkObj));
        if (m < 0) throw Bad("MARK not found");
        var items = _stack.GetRange(m + 1, _stack.Count - m - 1);
        _stack.RemoveRange(m, _stack.Count - m);
        return items;
    }

    private object? Run()
    {
        while (true)
        {
            byte op = U8();
            switch (op)
            {
                case 0x80: { byte proto = U8(); if (proto > 4) throw Bad($"refusing pickle protocol {proto} (protocols 2 to 4 are read)"); break; } // PROTO
                case 0x95: Take(8); break;                                             // FRAME: framing is transparent here
                case (byte)'.': return Pop();                                          // STOP
                case (byte)'(': _stack.Add(MarkObj); break;                            // MARK
                case (byte)'}': _stack.Add(new Dictionary<string, object?>()); break;  // EMPTY_DICT
                case (byte)']': _stack.Add(new List<object?>()); break;                // EMPTY_LIST
                case (byte)')': _stack.Add(Array.Empty<object?>()); break;             // EMPTY_TUPLE
                case (byte)'t': _stack.Add(PopToMark().ToArray()); break;              // TUPLE
                case 0x85: _stack.Add(new[] { Pop() }); break;                          // TUPLE1
                case 0x86: { var b = Pop(); var a = Pop(); _stack.Add(new[] { a, b }); break; } // TUPLE2
                case 0x87: { var c = Pop(); var b = Pop(); var a = Pop(); _stack.Add(new[] { a, b, c }); break; } // TUPLE3
                case (byte)'q': _memo[U8()] = Top(); break;                            // BINPUT
                case (byte)'r': _memo[BinaryPrimitives.ReadInt32LittleEndian(Take(4))] = Top(); break; // LONG_BINPUT
                case 0x94: _memo[_memo.Count] = Top(); break;                          // MEMOIZE
                case (byte)'h': _stack.Add(Memo(U8())); break;                         // BINGET
                case (byte)'j': _stack.Add(Memo(BinaryPrimitives.ReadInt32LittleEndian(Take(4)))); break; // LONG_BINGET
                case (byte)'J': _stack.Add((long)BinaryPrimitives.ReadInt32LittleEndian(Take(4))); break; // BININT
                case (byte)'K': _stack.Add((long)U8()); break;                         // BININT1
                case (byte)'M': _stack.Add((long)BinaryPrimitives.ReadUInt16LittleEndian(Take(2))); break; // BININT2
                case 0x8a: _stack.Add(Long1(Take(U8()))); break;                       // LONG1
                case (byte)'N': _stack.Add(null); break;                               // NONE
                case 0x88: _stack.Add(true); break;                                    // NEWTRUE
                case 0x89: _stack.Add(false); break;                                   // NEWFALSE
                case (byte)'T': _stack.Add(Take(BinaryPrimitives.ReadInt32LittleEndian(Take(4))).ToArray()); break; // BINSTRING (Python 2 str: raw bytes)
                case (byte)'U': _stack.Add(Take(U8()).ToArray()); break;               // SHORT_BINSTRING
                case (byte)'B': _stack.Add(Take(BinaryPrimitives.ReadUInt32LittleEndian(Take(4))).ToArray()); break; // BINBYTES
                case (byte)'C': _stack.Add(Take(U8()).ToArray()); break;               // SHORT_BINBYTES
                case (byte)'X': _stack.Add(Encoding.UTF8.GetString(Take(BinaryPrimitives.ReadUInt32LittleEndian(Take(4))))); break; // BINUNICODE
                case 0x8c: _stack.Add(Encoding.UTF8.GetString(Take(U8()))); break;     // SHORT_BINUNICODE
                case (byte)'a': { var v = Pop(); AsList(Top()).Add(v); break; }        // APPEND
                case (byte)'e': { var items = PopToMark(); AsList(Top()).AddRange(items); break; } // APPENDS
                case (byte)'s': { var v = Pop(); var k = Pop(); AsDict(Top())[Key(k)] = v; break; } // SETITEM
                case (byte)'u':                                                        // SETITEMS
                {
                    var items = PopToMark();
                    var d = AsDict(Top());
                    for (int i = 0; i + 1 < items.Count; i += 2) d[Key(items[i])] = items[i + 1];
                    break;
                }
                case (byte)'c': _stack.Add(MakeGlobal(Line() + "." + Line())); break;  // GLOBAL
                case 0x93: { var name = Pop(); var module = Pop(); _stack.Add(MakeGlobal($"{module}.{name}")); break; } // STACK_GLOBAL
                case (byte)'R': { var args = Pop(); var f = Pop(); _stack.Add(Reduce(f, args)); break; } // REDUCE
                case (byte)'b': { var state = Pop(); Build(Top(), state); break; }     // BUILD
                default:
                    throw Bad($"refusing opcode 0x{op:x2} ('{(char)op}')");
            }
        }
    }

    private object? Memo(int i) => _memo.TryGetValue(i, out var o) ? o : throw Bad($"memo entry {i} is missing");

    private static long Long1(ReadOnlySpan<byte> le)
    {
        if (le.Length == 0) return 0;
        if (le.Length > 8) throw new InvalidDataException("pickle LONG1 value does not fit 64 bits.");
        long v = 0;
        for (int i = le.Length - 1; i >= 0; i--) v = (v << 8) | le[i];
        int shift = 64 - 8 * le.Length;
        return shift == 0 ? v : (v << shift) >> shift; // sign-extend
    }

    private List<object?> AsList(object? o) => o as List<object?> ?? throw Bad($"APPEND to a {o?.GetType().Name ?? "None"}, not a list");
    private Dictionary<string, object?> AsDict(object? o) => o as Dictionary<string, object?> ?? throw Bad($"SETITEM on a {o?.GetType().Name ?? "None"}, not a dict");

    // Python 2 str keys (read as bytes) and Python 3 str keys both become .NET strings, as encoding='latin1' does.
    private string Key(object? k) => k switch
    {
        string s => s,
        byte[] b => Encoding.Latin1.GetString(b),
        long l => l.ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => throw Bad($"dict key of type {k?.GetType().Name ?? "None"}"),
    };

    private Global MakeGlobal(string name) =>
        AllowedGlobals.Contains(name) ? new Global(name) : throw Bad($"refusing global '{name}'");

    private object Reduce(object? f, object? args)
    {
        if (f is not Global g) throw Bad("REDUCE on something that is not an allowed global");
        var a = args as object?[] ?? throw Bad($"REDUCE arguments for {g.Name} are not a tuple");
        switch (g.Name)
        {
            case "numpy.core.multiarray._reconstruct" or "numpy._core.multiarray._reconstruct":
                if (a.Length != 3 || a[0] is not Global { Name: "numpy.ndarray" })
                    throw Bad("_reconstruct is only accepted for numpy.ndarray");
                return new NpArray();
            case "numpy.dtype":
                if (a.Length < 1) throw Bad("numpy.dtype without arguments");
                string s = a[0] switch { string t => t, byte[] b => Encoding.Latin1.GetString(b), _ => throw Bad("numpy.dtype argument is not a string") };
                if (s is not ("u1" or "i1" or "b1"))
                    throw Bad($"refusing numpy dtype '{s}' (only uint8 image data is expected)");
                return new NpDType(s);
            case "_codecs.encode":
                if (a.Length != 2 || a[0] is not string text || a[1] is not string enc || enc != "latin1")
                    throw Bad("_codecs.encode is only accepted as (str, 'latin1')");
                return Encoding.Latin1.GetBytes(text);
            default:
                throw Bad($"refusing to call '{g.Name}'");
        }
    }

    private void Build(object? target, object? state)
    {
        switch (target)
        {
            case NpDType:
                return; // (version, byteorder, ...) adds nothing for single-byte types
            case NpArray arr:
            {
                var st = state as object?[] ?? throw Bad("ndarray state is not a tuple");
                if (st.Length != 5) throw Bad($"ndarray state has {st.Length} fields, expected 5");
                var shape = st[1] as object?[] ?? throw Bad("ndarray shape is not a tuple");
                arr.Shape = shape.Select(d => d is long l && l >= 0 && l <= int.MaxValue ? (int)l : throw Bad("bad ndarray dimension")).ToArray();
                arr.DType = (st[2] as NpDType ?? throw Bad("ndarray dtype is not a numpy.dtype")).Str;
                arr.Fortran = st[3] is true;
                arr.Data = st[4] switch
                {
                    byte[] b => b,
                    string s => Encoding.Latin1.GetBytes(s),
                    _ => throw Bad("ndarray data is not a byte string (object arrays are refused)"),
                };
                long n = 1;
                foreach (int d in arr.Shape) n *= d;
                if (n != arr.Data.Length) throw Bad($"ndarray of shape ({string.Join(", ", arr.Shape)}) holds {arr.Data.Length} bytes, expected {n}");
                return;
            }
            default:
                throw Bad($"BUILD on a {target?.GetType().Name ?? "None"}");
        }
    }
}
