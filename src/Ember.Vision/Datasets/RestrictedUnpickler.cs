using System.Text;
using Ember.Serialization.Pickle;

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
/// Reads what CIFAR's python files (and the same data re-pickled by Python 3 with protocols 2 to 4)
/// contain: dicts, lists, tuples, ints, strings, bytes, booleans, None, and numpy uint8 arrays rebuilt
/// through <c>numpy.core.multiarray._reconstruct</c>. The pickle machine is Ember's shared, code-free
/// <see cref="PickleReader"/>; this class only allows the numpy globals CIFAR needs and refuses every
/// other global by name, so a crafted file cannot make it call anything.
/// </summary>
internal sealed class RestrictedUnpickler : IPickleResolver
{
    private const int MaxDepth = 256;

    private static readonly HashSet<string> AllowedGlobals =
    [
        "numpy.core.multiarray._reconstruct", "numpy._core.multiarray._reconstruct",
        "numpy.ndarray", "numpy.dtype", "_codecs.encode",
    ];

    private sealed class NpGlobal(string name) { public readonly string Name = name; }
    private sealed class NpDType(string str) { public readonly string Str = str; }

    /// <summary>Reads one pickled object from <paramref name="bytes"/>; <paramref name="what"/> names the file in errors. Dicts come back keyed by string.</summary>
    public static object? Load(byte[] bytes, string what)
    {
        Exception Fail(string m) => new InvalidDataException($"{what}: {m}. Ember's restricted pickle reader only loads the dicts, lists, strings and numpy uint8 arrays found in CIFAR's python files.");
        var o = PickleReader.Load(bytes, new RestrictedUnpickler(), Fail);
        return StringKeys(o, 0, Fail);
    }

    // Python 2 str keys (read as bytes) and Python 3 str keys both become .NET strings, as encoding='latin1' does.
    private static object? StringKeys(object? o, int depth, Func<string, Exception> fail)
    {
        if (depth > MaxDepth) throw fail($"nesting deeper than {MaxDepth} levels (or a self-referencing container)");
        switch (o)
        {
            case OrderedDictionary<object, object?> d:
                var r = new Dictionary<string, object?>();
                foreach (var (k, v) in d) r[Key(k, fail)] = StringKeys(v, depth + 1, fail);
                return r;
            case List<object?> l:
                return l.Select(x => StringKeys(x, depth + 1, fail)).ToList();
            case object?[] t:
                return t.Select(x => StringKeys(x, depth + 1, fail)).ToArray();
            default:
                return o;
        }
    }

    private static string Key(object k, Func<string, Exception> fail) => k switch
    {
        string s => s,
        byte[] b => Encoding.Latin1.GetString(b),
        long l => l.ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => throw fail($"dict key of type {PickleReader.PyType(k)}"),
    };

    public object Global(string module, string name) =>
        AllowedGlobals.Contains($"{module}.{name}") ? new NpGlobal($"{module}.{name}") : throw new PickleRefusedException($"refusing global '{module}.{name}'");

    public object? PersistentLoad(object? pid) => throw new PickleRefusedException("refusing a persistent id");

    public object? Reduce(object f, object?[] a)
    {
        if (f is not NpGlobal g) throw new PickleRefusedException($"refusing to call a {PickleReader.PyType(f)}");
        switch (g.Name)
        {
            case "numpy.core.multiarray._reconstruct" or "numpy._core.multiarray._reconstruct":
                if (a.Length != 3 || a[0] is not NpGlobal { Name: "numpy.ndarray" })
                    throw new PickleRefusedException("_reconstruct is only accepted for numpy.ndarray");
                return new NpArray();
            case "numpy.dtype":
                if (a.Length < 1) throw new PickleRefusedException("numpy.dtype without arguments");
                string s = a[0] switch { string t => t, byte[] b => Encoding.Latin1.GetString(b), _ => throw new PickleRefusedException("numpy.dtype argument is not a string") };
                if (s is not ("u1" or "i1" or "b1"))
                    throw new PickleRefusedException($"refusing numpy dtype '{s}' (only uint8 image data is expected)");
                return new NpDType(s);
            case "_codecs.encode":
                if (a.Length != 2 || a[0] is not string text || a[1] is not string enc || enc != "latin1")
                    throw new PickleRefusedException("_codecs.encode is only accepted as (str, 'latin1')");
                return Encoding.Latin1.GetBytes(text);
            default:
                throw new PickleRefusedException($"refusing to call '{g.Name}'");
        }
    }

    public object? Build(object? target, object? state)
    {
        switch (target)
        {
            case NpDType:
                return target; // (version, byteorder, ...) adds nothing for single-byte types
            case NpArray arr:
            {
                var st = state as object?[] ?? throw new PickleRefusedException("ndarray state is not a tuple");
                if (st.Length != 5) throw new PickleRefusedException($"ndarray state has {st.Length} fields, expected 5");
                var shape = st[1] as object?[] ?? throw new PickleRefusedException("ndarray shape is not a tuple");
                arr.Shape = shape.Select(d => d is long l && l >= 0 && l <= int.MaxValue ? (int)l : throw new PickleRefusedException("bad ndarray dimension")).ToArray();
                arr.DType = (st[2] as NpDType ?? throw new PickleRefusedException("ndarray dtype is not a numpy.dtype")).Str;
                arr.Fortran = st[3] is true;
                arr.Data = st[4] switch
                {
                    byte[] b => b,
                    string s => Encoding.Latin1.GetBytes(s),
                    _ => throw new PickleRefusedException("ndarray data is not a byte string (object arrays are refused)"),
                };
                long n = 1;
                foreach (int d in arr.Shape) n *= d;
                if (n != arr.Data.Length) throw new PickleRefusedException($"ndarray of shape ({string.Join(", ", arr.Shape)}) holds {arr.Data.Length} bytes, expected {n}");
                return arr;
            }
            default:
                throw new PickleRefusedException($"BUILD on a {PickleReader.PyType(target)}");
        }
    }
}
