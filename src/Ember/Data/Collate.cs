using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Ember.Data;

/// <summary>
/// Functions that merge a list of samples into a batch (<c>torch.utils.data.default_collate</c>).
/// The typed ones serve <see cref="DataLoader"/>'s factory overloads; <see cref="Default"/> handles
/// any nesting at run time.
/// </summary>
public static class Collate
{
    /// <summary>Stacks tensors of one shape along a new first dimension (<c>torch.stack(batch)</c>).</summary>
    public static Tensor Stack(IReadOnlyList<Tensor> samples) => Tensor.Stack(Check(samples));

    /// <summary>Stacks each position of the samples' tensor arrays (a batch of <see cref="TensorDataset"/> rows).</summary>
    /// <exception cref="ArgumentException">The samples hold different numbers of tensors.</exception>
    public static Tensor[] StackEach(IReadOnlyList<Tensor[]> samples)
    {
        Check(samples);
        int width = samples[0].Length;
        var result = new Tensor[width];
        for (int f = 0; f < width; f++)
        {
            var column = new Tensor[samples.Count];
            for (int i = 0; i < samples.Count; i++)
            {
                if (samples[i].Length != width)
                    throw new ArgumentException($"default_collate: each element in list of batch should be of equal size (sample 0 has {width} fields, sample {i} has {samples[i].Length}).", nameof(samples));
                column[i] = samples[i][f];
            }
            result[f] = Tensor.Stack(column);
        }
        return result;
    }

    /// <summary>Stacks (input, target) tensor pairs into an (inputs, targets) pair of batches.</summary>
    public static (Tensor, Tensor) Pairs(IReadOnlyList<(Tensor, Tensor)> samples)
    {
        Check(samples);
        var a = new Tensor[samples.Count]; var b = new Tensor[samples.Count];
        for (int i = 0; i < a.Length; i++) (a[i], b[i]) = samples[i];
        return (Tensor.Stack(a), Tensor.Stack(b));
    }

    /// <summary>Stacks (input, label) pairs: inputs into one tensor, labels into an int64 tensor (as PyTorch collates Python ints).</summary>
    public static (Tensor, Tensor) Labeled(IReadOnlyList<(Tensor, long)> samples)
    {
        Check(samples);
        var a = new Tensor[samples.Count]; var b = new long[samples.Count];
        for (int i = 0; i < a.Length; i++) (a[i], b[i]) = samples[i];
        return (Tensor.Stack(a), Tensor.From(b));
    }

    /// <summary>Stacks (input, label) pairs: inputs into one tensor, labels into an int64 tensor (as PyTorch collates Python ints).</summary>
    public static (Tensor, Tensor) Labeled(IReadOnlyList<(Tensor, int)> samples)
    {
        Check(samples);
        var a = new Tensor[samples.Count]; var b = new long[samples.Count];
        for (int i = 0; i < a.Length; i++) (a[i], b[i]) = samples[i];
        return (Tensor.Stack(a), Tensor.From(b));
    }

    /// <summary>
    /// PyTorch's <c>default_collate</c> for any sample shape, decided at run time. C# types map as
    /// follows (PyTorch's rule in brackets):
    /// <list type="bullet">
    /// <item><see cref="Tensor"/>: stacked along a new first dimension [tensors stack].</item>
    /// <item><c>long</c>, <c>int</c>, <c>short</c>, <c>sbyte</c>, <c>uint</c>: an int64 tensor [Python <c>int</c>].</item>
    /// <item><c>double</c>: a float64 tensor [Python <c>float</c>, which PyTorch collates as float64, not the default dtype].</item>
    /// <item><c>float</c>: a float32 tensor, <c>byte</c>: a uint8 tensor [numpy float32 and uint8 scalars, which keep their dtype].</item>
    /// <item><c>bool</c>: a bool tensor [Python <c>bool</c>].</item>
    /// <item><c>string</c>: a <c>string[]</c> of the samples' strings [left as a list of str].</item>
    /// <item>tuples of any arity (<c>ValueTuple</c>, <c>Tuple</c>: any <see cref="ITuple"/>), arrays and lists:
    /// an <c>object[]</c> with each position collated [a list; PyTorch turns tuples into lists too].</item>
    /// <item>dictionaries with string keys (any <see cref="IDictionary"/>): a <c>Dictionary&lt;string, object&gt;</c>
    /// with each key collated, in the first sample's key order [a dict].</item>
    /// </list>
    /// Nestings of these collate recursively. <see cref="Default{T, TBatch}"/> gives the result a static type.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// The samples mix types, have sequences of different lengths ("each element in list of batch should
    /// be of equal size"), tensors of different shapes ("stack expects each tensor to be equal size, but
    /// got [2] at entry 0 and [3] at entry 1"), a dictionary lacks a key, or a type has no collation;
    /// the message names the position in the sample where the mismatch is (<c>sample[1]["img"]</c>).
    /// </exception>
    public static object Default(IReadOnlyList<object?> samples)
    {
        Check(samples);
        return Collated(samples, "");
    }

    /// <summary>
    /// <see cref="Default(IReadOnlyList{object})"/> with a static batch type, for a
    /// <see cref="DataLoader{T, TBatch}"/>: <c>DataLoader.Create(ds, Collate.Default&lt;(Tensor, long, string),
    /// (Tensor, Tensor, string[])&gt;, batchSize: 4)</c>. <typeparamref name="TBatch"/> mirrors the sample's
    /// structure: a <c>ValueTuple</c> of the same arity for a tuple (or <c>object[]</c>), <c>T[]</c> for an
    /// array or list, <c>Dictionary&lt;string, V&gt;</c> for a dictionary, <see cref="Tensor"/> for tensors
    /// and numbers, <c>string[]</c> for strings, <c>object</c> anywhere to leave that part untyped.
    /// </summary>
    /// <exception cref="ArgumentException">As for the untyped form, or <typeparamref name="TBatch"/> does not fit the collated structure.</exception>
    [RequiresDynamicCode("Builds the batch's arrays, tuples and dictionaries of the requested types by reflection; use the untyped Collate.Default under AOT.")]
    [RequiresUnreferencedCode("Builds the batch's arrays, tuples and dictionaries of the requested types by reflection; use the untyped Collate.Default under AOT.")]
    public static TBatch Default<T, TBatch>(IReadOnlyList<T> samples)
    {
        Check(samples);
        var boxed = new object?[samples.Count];
        for (int i = 0; i < boxed.Length; i++) boxed[i] = samples[i];
        return (TBatch)As(Collated(boxed, ""), typeof(TBatch), "")!;
    }

    // The path names the position inside a sample, as C# would index it: [1]["img"].
    private static object Collated(IReadOnlyList<object?> samples, string path)
    {
        object? first = samples[0];
        switch (first)
        {
            case null:
                throw new ArgumentException($"default_collate: {Where(path)}sample 0 is null; a batch must contain tensors, numbers, strings, dictionaries, tuples or lists.", nameof(samples));
            case Tensor:
                return StackChecked(Cast<Tensor>(samples, path).ToArray(), path);
            case long or int or short or sbyte or uint:
                return Tensor.From(Cast<object>(samples, path).Select(Convert.ToInt64).ToArray());
            case double:
                return Tensor.From(Cast<double>(samples, path).ToArray());
            case float:
                return Tensor.From(Cast<float>(samples, path).ToArray());
            case byte:
                return Tensor.From(Cast<byte>(samples, path).ToArray());
            case bool:
                return Tensor.From(Cast<bool>(samples, path).ToArray());
            case string:
                return Cast<string>(samples, path).ToArray();
            case IDictionary dict:
            {
                var result = new Dictionary<string, object>();
                foreach (object key in dict.Keys)
                {
                    if (key is not string name)
                        throw new ArgumentException($"default_collate: {Where(path)}dictionary keys must be strings; found a {key.GetType().Name} key.", nameof(samples));
                    var column = new object?[samples.Count];
                    for (int i = 0; i < column.Length; i++)
                    {
                        if (samples[i] is not IDictionary d)
                            throw Mismatch(samples, i, path);
                        if (!d.Contains(name))
                            throw new ArgumentException($"default_collate: sample {i}{path} has no key \"{name}\", which sample 0 has (KeyError: '{name}').", nameof(samples));
                        column[i] = d[name];
                    }
                    result[name] = Collated(column, $"{path}[\"{name}\"]");
                }
                return result;
            }
            case ITuple tuple:
                return Transpose(samples, tuple.Length, path, s => s is ITuple t ? (t.Length, i => t[i]) : null);
            case IList list:
                return Transpose(samples, list.Count, path, s => s is IList l && s is not string ? (l.Count, i => l[i]) : null);
            default:
                throw new ArgumentException($"default_collate: {Where(path)}batch must contain tensors, numbers, strings, dictionaries, tuples or lists; found {first.GetType().Name}.", nameof(samples));
        }
    }

    private static object[] Transpose(IReadOnlyList<object?> samples, int width, string path, Func<object?, (int Count, Func<int, object?> At)?> open)
    {
        var opened = new (int Count, Func<int, object?> At)[samples.Count];
        for (int i = 0; i < samples.Count; i++)
        {
            opened[i] = open(samples[i]) ?? throw Mismatch(samples, i, path);
            if (opened[i].Count != width)
                throw new ArgumentException($"default_collate: each element in list of batch should be of equal size: sample 0{path} has {width} elements but sample {i}{path} has {opened[i].Count}.", nameof(samples));
        }
        var fields = new object[width];
        for (int f = 0; f < width; f++)
        {
            var column = new object?[samples.Count];
            for (int i = 0; i < column.Length; i++) column[i] = opened[i].At(f);
            fields[f] = Collated(column, $"{path}[{f}]");
        }
        return fields;
    }

    // torch.stack's own check, worded as PyTorch's and located in the sample.
    private static Tensor StackChecked(Tensor[] tensors, string path)
    {
        var shape0 = tensors[0].Shape;
        for (int i = 1; i < tensors.Length; i++)
            if (!tensors[i].Shape.SequenceEqual(shape0))
                throw new ArgumentException($"default_collate: {Where(path)}stack expects each tensor to be equal size, but got {shape0} at entry 0 and {tensors[i].Shape} at entry {i}.", "samples");
        return Tensor.Stack(tensors);
    }

    private static string Where(string path) => path.Length == 0 ? "" : $"at sample{path}: ";

    private static ArgumentException Mismatch(IReadOnlyList<object?> samples, int i, string path) =>
        new($"default_collate: sample {i}{path} is a {samples[i]?.GetType().Name ?? "null"} but sample 0{path} is a {samples[0]!.GetType().Name}; every sample must have the same structure.", nameof(samples));

    private static IEnumerable<T> Cast<T>(IReadOnlyList<object?> samples, string path)
    {
        Type want = samples[0]!.GetType();
        for (int i = 0; i < samples.Count; i++)
        {
            object? s = samples[i];
            if (s is null || (s.GetType() != want && !(s is Tensor && want == typeof(Tensor))))
                throw new ArgumentException($"default_collate: sample {i}{path} is a {s?.GetType().Name ?? "null"} but sample 0{path} is a {want.Name}; a batch must hold one kind of element at each position.", nameof(samples));
            yield return (T)s;
        }
    }

    // Gives a collated value the static type the caller asked for (Default<T, TBatch>).
    [RequiresDynamicCode("Builds the batch's arrays, tuples and dictionaries of the requested types by reflection; use the untyped Collate.Default under AOT.")]
    [RequiresUnreferencedCode("Builds the batch's arrays, tuples and dictionaries of the requested types by reflection; use the untyped Collate.Default under AOT.")]
    private static object? As(object value, Type type, string path)
    {
        if (type.IsInstanceOfType(value)) return value;
        if (value is object[] fields)
        {
            if (type.IsArray && type.GetArrayRank() == 1)
            {
                Type element = type.GetElementType()!;
                var array = Array.CreateInstance(element, fields.Length);
                for (int i = 0; i < fields.Length; i++) array.SetValue(As(fields[i], element, $"{path}[{i}]"), i);
                return array;
            }
            if (TupleTypes(type) is { } parts && parts.Count == fields.Length)
                return MakeTuple(type, fields.Select((f, i) => As(f, parts[i], $"{path}[{i}]")).ToArray());
        }
        if (value is Dictionary<string, object> dict && type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Dictionary<,>)
            && type.GetGenericArguments()[0] == typeof(string))
        {
            Type valueType = type.GetGenericArguments()[1];
            var result = (IDictionary)Activator.CreateInstance(type)!;
            foreach (var (k, v) in dict) result[k] = As(v, valueType, $"{path}[\"{k}\"]");
            return result;
        }
        throw new ArgumentException($"default_collate: the batch{path} is a {Describe(value)}, which cannot be given as {type.Name}.", "samples");
    }

    private static string Describe(object value) => value switch
    {
        object[] a => $"list of {a.Length}",
        Dictionary<string, object> => "Dictionary<string, object>",
        _ => value.GetType().Name,
    };

    // The flattened field types of a ValueTuple (arity 8 and more nests the rest in TRest), or null.
    private static List<Type>? TupleTypes(Type type)
    {
        if (!type.IsGenericType || !type.FullName!.StartsWith("System.ValueTuple`", StringComparison.Ordinal)) return null;
        var args = type.GetGenericArguments();
        var result = new List<Type>(args);
        if (args.Length == 8)
        {
            result.RemoveAt(7);
            var rest = TupleTypes(args[7]);
            if (rest is null) return null;
            result.AddRange(rest);
        }
        return result;
    }

    [RequiresUnreferencedCode("Builds the batch's arrays, tuples and dictionaries of the requested types by reflection; use the untyped Collate.Default under AOT.")]
    private static object MakeTuple(Type type, object?[] values)
    {
        var args = type.GetGenericArguments();
        if (args.Length < 8) return Activator.CreateInstance(type, values)!;
        object rest = MakeTuple(args[7], values[7..]);
        return Activator.CreateInstance(type, [.. values[..7], rest])!;
    }

    private static IReadOnlyList<T> Check<T>(IReadOnlyList<T> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        if (samples.Count == 0) throw new ArgumentException("default_collate: cannot collate an empty batch.", nameof(samples));
        return samples;
    }
}
