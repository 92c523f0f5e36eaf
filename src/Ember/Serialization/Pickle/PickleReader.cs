using System.Buffers.Binary;
using System.Text;

namespace Ember.Serialization.Pickle;

/// <summary>
/// A pickle virtual machine that reads data and never runs code. It understands the opcodes of
/// protocols 2 to 5 that plain data needs (numbers, strings, bytes, tuples, lists, dicts, memo,
/// framing) and hands every global, call (<c>REDUCE</c>), <c>BUILD</c> and persistent id to an
/// <see cref="IPickleResolver"/>, which allows a short list by name and refuses the rest. Opcodes that
/// instantiate arbitrary classes (<c>INST</c>, <c>OBJ</c>, <c>NEWOBJ</c>, extension registry) are refused.
/// </summary>
/// <remarks>
/// Python values arrive as: <c>None</c> null, bool, int <see cref="long"/> (wider ints are refused),
/// float <see cref="double"/>, str <see cref="string"/>, bytes <see cref="byte"/>[], tuple
/// <c>object?[]</c>, list <see cref="List{T}"/> of object?, dict <see cref="OrderedDictionary{TKey, TValue}"/>
/// of object to object? (insertion order kept, bytes keys compared by content). Every length is checked
/// against the bytes that remain before anything is allocated, so a lying length cannot allocate more
/// than the pickle's own size.
/// </remarks>
internal sealed class PickleReader
{
    private sealed class Mark;
    private static readonly Mark MarkObj = new();

    private readonly byte[] _b;
    private readonly IPickleResolver _resolver;
    private readonly Func<string, Exception> _fail;
    private readonly List<object?> _stack = [];
    private readonly Dictionary<long, object?> _memo = [];
    private int _p;

    private PickleReader(byte[] bytes, IPickleResolver resolver, Func<string, Exception> fail)
    {
        _b = bytes; _resolver = resolver; _fail = fail;
    }

    /// <summary>
    /// Reads the one object pickled in <paramref name="bytes"/>. Problems become the exception that
    /// <paramref name="fail"/> makes from a message that already names the byte position.
    /// </summary>
    public static object? Load(byte[] bytes, IPickleResolver resolver, Func<string, Exception> fail)
    {
        var r = new PickleReader(bytes, resolver, fail);
        try { return r.Run(); }
        catch (PickleRefusedException e) { throw r.Bad(e.Message); }
    }

    private Exception Bad(string message) => _fail($"{message} (pickle byte {_p})");

    private byte U8() => _p < _b.Length ? _b[_p++] : throw new PickleRefusedException("unexpected end of the pickle");

    private ReadOnlySpan<byte> Take(long n)
    {
        if (n < 0 || n > _b.Length - _p) throw new PickleRefusedException($"a length of {n} bytes runs past the end of the pickle ({_b.Length - _p} bytes left)");
        var s = _b.AsSpan(_p, (int)n);
        _p += (int)n;
        return s;
    }

    private string Line()
    {
        int end = Array.IndexOf(_b, (byte)'\n', _p);
        if (end < 0) throw new PickleRefusedException("unterminated text field");
        string s = Encoding.UTF8.GetString(_b, _p, end - _p);
        _p = end + 1;
        return s;
    }

    private object? Pop()
    {
        if (_stack.Count == 0 || ReferenceEquals(_stack[^1], MarkObj)) throw new PickleRefusedException("stack underflow");
        var o = _stack[^1];
        _stack.RemoveAt(_stack.Count - 1);
        return o;
    }

    private object? Top() => _stack.Count > 0 && !ReferenceEquals(_stack[^1], MarkObj) ? _stack[^1] : throw new PickleRefusedException("stack underflow");

    private List<object?> PopToMark()
    {
        int m = _stack.FindLastIndex(o => ReferenceEquals(o, MarkObj));
        if (m < 0) throw new PickleRefusedException("MARK not found");
        var items = _stack.GetRange(m + 1, _stack.Count - m - 1);
        _stack.RemoveRange(m, _stack.Count - m);
        return items;
    }

    private static string Utf8(ReadOnlySpan<byte> s)
    {
        try { return new UTF8Encoding(false, true).GetString(s); }
        catch (DecoderFallbackException) { throw new PickleRefusedException("a string is not valid UTF-8"); }
    }

    private object? Run()
    {
        while (true)
        {
            int at = _p;
            byte op = U8();
            switch (op)
            {
                case 0x80: { byte proto = U8(); if (proto > 5) throw new PickleRefusedException($"unsupported pickle protocol {proto}"); break; } // PROTO
                case 0x95: Take(8); break;                                             // FRAME: framing is transparent here
                case (byte)'.': { var r = Pop(); return _stack.Count == 0 ? r : throw new PickleRefusedException("STOP with objects left on the stack"); } // STOP
                case (byte)'(': _stack.Add(MarkObj); break;                            // MARK
                case (byte)'0': Pop(); break;                                          // POP
                case (byte)'1': PopToMark(); break;                                    // POP_MARK
                case (byte)'2': _stack.Add(Top()); break;                              // DUP
                case (byte)'}': _stack.Add(NewDict()); break;                          // EMPTY_DICT
                case (byte)']': _stack.Add(new List<object?>()); break;                // EMPTY_LIST
                case (byte)')': _stack.Add(Array.Empty<object?>()); break;             // EMPTY_TUPLE
                case (byte)'t': _stack.Add(PopToMark().ToArray()); break;              // TUPLE
                case 0x85: _stack.Add(new[] { Pop() }); break;                          // TUPLE1
                case 0x86: { var b = Pop(); var a = Pop(); _stack.Add(new[] { a, b }); break; } // TUPLE2
                case 0x87: { var c = Pop(); var b = Pop(); var a = Pop(); _stack.Add(new[] { a, b, c }); break; } // TUPLE3
                case (byte)'q': _memo[U8()] = Top(); break;                            // BINPUT
                case (byte)'r': _memo[BinaryPrimitives.ReadUInt32LittleEndian(Take(4))] = Top(); break; // LONG_BINPUT
                case 0x94: _memo[_memo.Count] = Top(); break;                          // MEMOIZE
                case (byte)'h': _stack.Add(Memo(U8())); break;                         // BINGET
                case (byte)'j': _stack.Add(Memo(BinaryPrimitives.ReadUInt32LittleEndian(Take(4)))); break; // LONG_BINGET
                case (byte)'J': _stack.Add((long)BinaryPrimitives.ReadInt32LittleEndian(Take(4))); break; // BININT
                case (byte)'K': _stack.Add((long)U8()); break;                         // BININT1
                case (byte)'M': _stack.Add((long)BinaryPrimitives.ReadUInt16LittleEndian(Take(2))); break; // BININT2
                case 0x8a: _stack.Add(Long1(Take(U8()))); break;                       // LONG1
                case (byte)'G': _stack.Add(BinaryPrimitives.ReadDoubleBigEndian(Take(8))); break; // BINFLOAT
                case (byte)'N': _stack.Add(null); break;                               // NONE
                case 0x88: _stack.Add(true); break;                                    // NEWTRUE
                case 0x89: _stack.Add(false); break;                                   // NEWFALSE
                case (byte)'T': _stack.Add(Take(BinaryPrimitives.ReadInt32LittleEndian(Take(4))).ToArray()); break; // BINSTRING (Python 2 str: raw bytes)
                case (byte)'U': _stack.Add(Take(U8()).ToArray()); break;               // SHORT_BINSTRING
                case (byte)'B': _stack.Add(Take(BinaryPrimitives.ReadUInt32LittleEndian(Take(4))).ToArray()); break; // BINBYTES
                case (byte)'C': _stack.Add(Take(U8()).ToArray()); break;               // SHORT_BINBYTES
                case 0x8e: _stack.Add(Take(Len64(Take(8))).ToArray()); break;          // BINBYTES8
                case (byte)'X': _stack.Add(Utf8(Take(BinaryPrimitives.ReadUInt32LittleEndian(Take(4))))); break; // BINUNICODE
                case 0x8c: _stack.Add(Utf8(Take(U8()))); break;                        // SHORT_BINUNICODE
                case 0x8d: _stack.Add(Utf8(Take(Len64(Take(8))))); break;              // BINUNICODE8
                case (byte)'a': { var v = Pop(); AsList(Top()).Add(v); break; }        // APPEND
                case (byte)'e': { var items = PopToMark(); AsList(Top()).AddRange(items); break; } // APPENDS
                case (byte)'s': { var v = Pop(); var k = Pop(); AsDict(Top())[Key(k)] = v; break; } // SETITEM
                case (byte)'u':                                                        // SETITEMS
                {
                    var items = PopToMark();
                    if (items.Count % 2 != 0) throw new PickleRefusedException("SETITEMS with an odd number of items");
                    var d = AsDict(Top());
                    for (int i = 0; i < items.Count; i += 2) d[Key(items[i])] = items[i + 1];
                    break;
                }
                case (byte)'c': { string m = Line(); string n = Line(); _stack.Add(_resolver.Global(m, n)); break; } // GLOBAL
                case 0x93:                                                             // STACK_GLOBAL
                {
                    var name = Pop(); var module = Pop();
                    if (module is not string m || name is not string n) throw new PickleRefusedException("STACK_GLOBAL needs two strings");
                    _stack.Add(_resolver.Global(m, n));
                    break;
                }
                case (byte)'R':                                                        // REDUCE
                {
                    var args = Pop(); var f = Pop();
                    if (f is null) throw new PickleRefusedException("REDUCE on None");
                    _stack.Add(_resolver.Reduce(f, args as object?[] ?? throw new PickleRefusedException("REDUCE arguments are not a tuple")));
                    break;
                }
                case (byte)'b': { var state = Pop(); var target = Pop(); _stack.Add(_resolver.Build(target, state)); break; } // BUILD
                case (byte)'Q': _stack.Add(_resolver.PersistentLoad(Pop())); break;   // BINPERSID
                default:
                    _p = at;
                    throw new PickleRefusedException($"refusing opcode 0x{op:x2} ('{(op is >= 0x20 and < 0x7f ? (char)op : '?')}')");
            }
        }
    }

    /// <summary>A new, empty Python dict as this reader represents it.</summary>
    public static OrderedDictionary<object, object?> NewDict() => new(PyKeyComparer.Instance);

    private object? Memo(long i) => _memo.TryGetValue(i, out var o) ? o : throw new PickleRefusedException($"memo entry {i} is missing");

    private static long Len64(ReadOnlySpan<byte> le)
    {
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(le);
        return n > int.MaxValue ? -1 : (long)n;
    }

    private static long Long1(ReadOnlySpan<byte> le)
    {
        if (le.Length == 0) return 0;
        if (le.Length > 8) throw new PickleRefusedException($"an integer of {le.Length} bytes does not fit 64 bits");
        long v = 0;
        for (int i = le.Length - 1; i >= 0; i--) v = (v << 8) | le[i];
        int shift = 64 - 8 * le.Length;
        return shift == 0 ? v : (v << shift) >> shift; // sign-extend
    }

    private static List<object?> AsList(object? o) => o as List<object?> ?? throw new PickleRefusedException($"APPEND to a {PyType(o)}, not a list");

    private static OrderedDictionary<object, object?> AsDict(object? o) => o as OrderedDictionary<object, object?> ?? throw new PickleRefusedException($"SETITEM on a {PyType(o)}, not a dict");

    private static object Key(object? k) => k switch
    {
        null => throw new PickleRefusedException("a dict key is None"),
        string or long or byte[] or bool or double => k,
        object?[] t when t.All(x => x is string or long or bool or double) => t,
        _ => throw new PickleRefusedException($"a dict key of type {PyType(k)}"),
    };

    /// <summary>A Python-flavoured name for the type of a value read from a pickle, for messages.</summary>
    public static string PyType(object? o) => o switch
    {
        null => "None", bool => "bool", long => "int", double => "float", string => "str", byte[] => "bytes",
        object?[] => "tuple", List<object?> => "list", OrderedDictionary<object, object?> => "dict",
        _ => o.GetType().Name,
    };
}
