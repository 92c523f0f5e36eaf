using Ember.NN;
using Ember.Serialization.Pickle;

namespace Ember.Serialization.Torch;

/// <summary>
/// The globals a tensor checkpoint needs, as <c>torch.load(weights_only=True)</c> allows them:
/// <c>collections.OrderedDict</c>, the <c>torch.*Storage</c> classes, <c>torch._utils._rebuild_tensor(_v2)</c>,
/// <c>torch._utils._rebuild_parameter</c>, <c>torch.Size</c> and <c>torch.device</c>. Anything else is
/// refused by name; nothing is looked up or called dynamically.
/// </summary>
internal sealed class TorchResolver(Func<string, ElementKind, long, Storage> loadStorage) : IPickleResolver
{
    private sealed record Callable(string Name);
    private sealed record StorageClass(string Name, ElementKind Kind);

    private static readonly Dictionary<string, ElementKind> StorageClasses = new(StringComparer.Ordinal)
    {
        ["FloatStorage"] = ElementKind.F32, ["DoubleStorage"] = ElementKind.F64, ["HalfStorage"] = ElementKind.F16,
        ["BFloat16Storage"] = ElementKind.BF16, ["LongStorage"] = ElementKind.I64, ["IntStorage"] = ElementKind.I32,
        ["ShortStorage"] = ElementKind.I16, ["CharStorage"] = ElementKind.I8, ["ByteStorage"] = ElementKind.U8,
        ["BoolStorage"] = ElementKind.Bool,
    };

    private static readonly HashSet<string> Callables =
    [
        "collections.OrderedDict", "torch._utils._rebuild_tensor", "torch._utils._rebuild_tensor_v2",
        "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state", "torch.Size", "torch.device",
    ];

    private readonly Dictionary<string, Storage> _storages = new(StringComparer.Ordinal);
    private readonly Dictionary<Storage, string> _keys = new(ReferenceEqualityComparer.Instance);

    public object Global(string module, string name)
    {
        string full = $"{module}.{name}";
        if (module == "torch" && StorageClasses.TryGetValue(name, out var kind)) return new StorageClass(full, kind);
        if (Callables.Contains(full)) return new Callable(full);
        if (module == "torch" && name.EndsWith("Storage", StringComparison.Ordinal))
            throw new PickleRefusedException($"unsupported storage type '{full}' (Ember reads float, double, half, bfloat16, long, int, short, char, byte and bool storages)");
        throw new PickleRefusedException($"refusing global '{full}': only the globals of a tensor checkpoint are allowed (as torch.load(weights_only=True))");
    }

    public object? PersistentLoad(object? pid)
    {
        // ('storage', storage_type, key, location, numel)
        if (pid is not object?[] { Length: 5 } t || t[0] is not string tag || tag != "storage")
            throw new PickleRefusedException("a persistent id that is not ('storage', type, key, location, numel)");
        if (t[1] is not StorageClass cls) throw new PickleRefusedException($"a storage whose type is a {PickleReader.PyType(t[1])}");
        if (t[2] is not string key) throw new PickleRefusedException("a storage key that is not a string");
        if (t[4] is not long numel || numel < 0 || numel > Array.MaxLength)
            throw new PickleRefusedException($"a storage of {t[4]} elements (Ember holds at most {Array.MaxLength})");
        if (_storages.TryGetValue(key, out var s))
        {
            if (s.Length != numel) throw new PickleRefusedException($"storage '{key}' is used with {numel} and {s.Length} elements");
            return s;
        }
        var loaded = _storages[key] = loadStorage(key, cls.Kind, numel);
        _keys[loaded] = key;
        return loaded;
    }

    public object? Reduce(object f, object?[] a)
    {
        if (f is not Callable c) throw new PickleRefusedException($"refusing to call a {(f is StorageClass sc ? sc.Name : PickleReader.PyType(f))}");
        switch (c.Name)
        {
            case "collections.OrderedDict":
            {
                var d = PickleReader.NewDict();
                if (a.Length == 0) return d;
                if (a.Length == 1 && a[0] is List<object?> pairs)
                {
                    foreach (var p in pairs)
                    {
                        if (p is not object?[] { Length: 2 } kv || kv[0] is null) throw new PickleRefusedException("OrderedDict items are not (key, value) pairs");
                        d[kv[0]!] = kv[1];
                    }
                    return d;
                }
                throw new PickleRefusedException("OrderedDict called with unexpected arguments");
            }
            case "torch._utils._rebuild_tensor" or "torch._utils._rebuild_tensor_v2":
            {
                if (a.Length < 4) throw new PickleRefusedException($"{c.Name} with {a.Length} arguments");
                var t = Rebuild(a[0], a[1], a[2], a[3]);
                if (c.Name.EndsWith("_v2", StringComparison.Ordinal) && a.Length > 4 && a[4] is true) t.RequiresGrad = true;
                return t;
            }
            case "torch._utils._rebuild_parameter" or "torch._utils._rebuild_parameter_with_state":
                if (a.Length < 2 || a[0] is not Tensor data) throw new PickleRefusedException($"{c.Name} without a tensor");
                return new Parameter(data, requiresGrad: a[1] is true);
            case "torch.Size":
                return a.Length == 1 && a[0] is object?[] dims ? dims : throw new PickleRefusedException("torch.Size without a tuple");
            case "torch.device":
                return a.Length >= 1 && a[0] is string dev ? dev : throw new PickleRefusedException("torch.device without a name");
            default:
                throw new PickleRefusedException($"refusing to call '{c.Name}'");
        }
    }

    private Tensor Rebuild(object? storage, object? offset, object? size, object? stride)
    {
        if (storage is not Storage s) throw new PickleRefusedException($"a tensor rebuilt from a {PickleReader.PyType(storage)}, not a storage");
        string key = _keys.TryGetValue(s, out var k) ? $"storage '{k}'" : "its storage";
        if (offset is not long off || off < 0 || off > s.Length) throw new PickleRefusedException($"storage offset {offset} is outside a storage of {s.Length} elements");
        int[] shape = Ints(size, "size"), strides = Ints(stride, "stride");
        if (shape.Length != strides.Length) throw new PickleRefusedException($"a tensor of {shape.Length} sizes and {strides.Length} strides");
        string Describe() => $"a tensor on {key} of size ({string.Join(", ", shape)}), stride ({string.Join(", ", strides)}) and offset {off}";
        // Checked arithmetic throughout: a crafted shape whose product wraps around (to 0, or to a small
        // number) must be refused, as PyTorch refuses it, never built into a tensor that lies about its size.
        long numel = ShapeMath.Product(shape);
        if (numel < 0) throw new PickleRefusedException($"{Describe()}: numel overflows (the product of the sizes exceeds 2^63)");
        if (numel == 0) return new Tensor(s, new Layout(shape, strides, (int)off));
        long reach = ShapeMath.LastElement(shape, strides, off); // offset + sum (size - 1) * stride
        if (reach == -2) throw new PickleRefusedException($"{Describe()}: the storage extent overflows");
        if (reach >= s.Length)
            throw new PickleRefusedException($"{Describe()} reaches element {reach} of a storage of {s.Length}");
        if (numel > Array.MaxLength) // possible with zero strides (an expanded view of a small storage)
            throw new PickleRefusedException($"{Describe()}: {numel} elements, beyond the 2^31-element limit of one .NET array ({Array.MaxLength})");
        return new Tensor(s, new Layout(shape, strides, (int)off));
    }

    private static int[] Ints(object? o, string what)
    {
        if (o is not object?[] t || t.Length > 64) throw new PickleRefusedException($"a tensor {what} that is not a tuple of at most 64 integers");
        return t.Select(x => x is long l && l >= 0 && l <= int.MaxValue ? (int)l : throw new PickleRefusedException($"a tensor {what} entry {x} outside 0..{int.MaxValue}")).ToArray();
    }

    public object? Build(object? target, object? state)
    {
        // OrderedDict.__reduce__ restores instance attributes such as state_dict()'s _metadata; Ember keeps
        // only the items. A Parameter's state (hooks) is likewise dropped.
        if (target is OrderedDictionary<object, object?> || target is Tensor) return target;
        throw new PickleRefusedException($"BUILD on a {PickleReader.PyType(target)} (only dicts and tensors can be built)");
    }
}
