using Ember.Serialization;

namespace Ember.Tests.Serialization;

/// <summary>Compares two loaded values (Python-shaped objects, tensors) bit for bit.</summary>
internal static class LoadedValues
{
    /// <summary>Null when <paramref name="a"/> and <paramref name="b"/> are bit-identical; else where and how they differ.</summary>
    public static string? Difference(object? a, object? b, string at = "value")
    {
        if (a is null || b is null) return a is null && b is null ? null : $"{at}: one is null";
        if (a.GetType() != b.GetType()) return $"{at}: {a.GetType().Name} vs {b.GetType().Name}";
        switch (a)
        {
            case double x: return BitConverter.DoubleToInt64Bits(x) == BitConverter.DoubleToInt64Bits((double)b) ? null : $"{at}: {x} vs {b}";
            case Tensor t: return TensorDifference(t, (Tensor)b, at);
            case OrderedDictionary<object, object?> d: return Pairs(d.Select(kv => (kv.Key, kv.Value)).ToList(), ((OrderedDictionary<object, object?>)b).Select(kv => (kv.Key, kv.Value)).ToList(), at);
            case OrderedDictionary<string, Tensor> d: return Pairs(d.Select(kv => ((object)kv.Key, (object?)kv.Value)).ToList(), ((OrderedDictionary<string, Tensor>)b).Select(kv => ((object)kv.Key, (object?)kv.Value)).ToList(), at);
            case List<object?> l: return Items(l, (List<object?>)b, at);
            case object?[] l: return Items(l, (object?[])b, at);
            default: return a.Equals(b) ? null : $"{at}: {a} vs {b}";
        }
    }

    private static string? Items(IReadOnlyList<object?> a, IReadOnlyList<object?> b, string at)
    {
        if (a.Count != b.Count) return $"{at}: {a.Count} vs {b.Count} items";
        for (int i = 0; i < a.Count; i++)
            if (Difference(a[i], b[i], $"{at}[{i}]") is string d) return d;
        return null;
    }

    private static string? Pairs(List<(object Key, object? Value)> a, List<(object Key, object? Value)> b, string at)
    {
        if (a.Count != b.Count) return $"{at}: {a.Count} vs {b.Count} entries";
        for (int i = 0; i < a.Count; i++)
        {
            if (Difference(a[i].Key, b[i].Key, $"{at} key {i}") is string k) return k;
            if (Difference(a[i].Value, b[i].Value, $"{at}[{a[i].Key}]") is string v) return v;
        }
        return null;
    }

    private static string? TensorDifference(Tensor a, Tensor b, string at)
    {
        if (a.DType != b.DType) return $"{at}: dtype {a.DType} vs {b.DType}";
        if (!a.Shape.SequenceEqual(b.Shape) || !a.Stride().SequenceEqual(b.Stride()) || a.Layout.Offset != b.Layout.Offset)
            return $"{at}: layout [{string.Join(",", a.Shape)}]/[{string.Join(",", a.Stride())}]+{a.Layout.Offset} vs [{string.Join(",", b.Shape)}]/[{string.Join(",", b.Stride())}]+{b.Layout.Offset}";
        if (a.RequiresGrad != b.RequiresGrad) return $"{at}: requires_grad differs";
        return ElementKind.Encode(a).AsSpan().SequenceEqual(ElementKind.Encode(b)) ? null : $"{at}: the elements differ";
    }
}
