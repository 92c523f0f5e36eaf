using System.Collections;
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
    /// PyTorch's <c>default_collate</c> for any sample shape, decided at run time: tensors are stacked;
    /// <c>long</c>/<c>int</c>/<c>short</c> become an int64 tensor, <c>double</c> a float64 tensor,
    /// <c>float</c> a float32 tensor, <c>byte</c> a uint8 tensor, <c>bool</c> a bool tensor; strings stay a
    /// <c>string[]</c>; tuples (any <see cref="ITuple"/>) become an <c>object[]</c> of collated fields
    /// (PyTorch returns a list for a tuple too); <c>Tensor[]</c> and other lists become an
    /// <c>object[]</c> per position; string-keyed dictionaries become a
    /// <c>Dictionary&lt;string, object&gt;</c> of collated values.
    /// </summary>
    /// <exception cref="ArgumentException">The samples mix types or shapes, or a type has no collation.</exception>
    public static object Default(IReadOnlyList<object?> samples)
    {
        Check(samples);
        object? first = samples[0];
        switch (first)
        {
            case null:
                throw new ArgumentException("default_collate: batch contains null; a sample cannot be collated.", nameof(samples));
            case Tensor:
                return Tensor.Stack(Cast<Tensor>(samples).ToArray());
            case long or int or short:
                return Tensor.From(Cast<object>(samples).Select(Convert.ToInt64).ToArray());
            case double:
                return Tensor.From(Cast<double>(samples).ToArray());
            case float:
                return Tensor.From(Cast<float>(samples).ToArray());
            case byte:
                return Tensor.From(Cast<byte>(samples).ToArray());
            case bool:
                return Tensor.From(Cast<bool>(samples).ToArray());
            case string:
                return Cast<string>(samples).ToArray();
            case IDictionary<string, object?> dict:
            {
                var result = new Dictionary<string, object>();
                foreach (var key in dict.Keys)
                    result[key] = Default(samples.Select((s, i) => s is IDictionary<string, object?> d && d.TryGetValue(key, out var v)
                        ? v : throw new ArgumentException($"default_collate: sample {i} has no key '{key}'.", nameof(samples))).ToArray());
                return result;
            }
            case ITuple tuple:
                return Transpose(samples, tuple.Length, s => s is ITuple t ? (t.Length, i => t[i]) : null);
            case IList list:
                return Transpose(samples, list.Count, s => s is IList l ? (l.Count, i => l[i]) : null);
            default:
                throw new ArgumentException($"default_collate: batch must contain tensors, numbers, strings, dictionaries, tuples or lists; found {first.GetType().Name}.", nameof(samples));
        }
    }

    private static object[] Transpose(IReadOnlyList<object?> samples, int width, Func<object?, (int Count, Func<int, object?> At)?> open)
    {
        var fields = new object[width];
        for (int f = 0; f < width; f++)
        {
            var column = new object?[samples.Count];
            for (int i = 0; i < samples.Count; i++)
            {
                var o = open(samples[i]) ?? throw new ArgumentException($"default_collate: sample {i} is a {samples[i]?.GetType().Name ?? "null"}, unlike sample 0.", nameof(samples));
                if (o.Count != width) throw new ArgumentException($"default_collate: each element in list of batch should be of equal size (sample 0 has {width}, sample {i} has {o.Count}).", nameof(samples));
                column[i] = o.At(f);
            }
            fields[f] = Default(column);
        }
        return fields;
    }

    private static IEnumerable<T> Cast<T>(IReadOnlyList<object?> samples)
    {
        Type want = samples[0]!.GetType();
        for (int i = 0; i < samples.Count; i++)
        {
            object? s = samples[i];
            if (s is null || (s.GetType() != want && !(s is Tensor && want == typeof(Tensor))))
                throw new ArgumentException($"default_collate: sample {i} is a {s?.GetType().Name ?? "null"} but sample 0 is a {want.Name}; a batch must hold one kind of element.", nameof(samples));
            yield return (T)s;
        }
    }

    private static IReadOnlyList<T> Check<T>(IReadOnlyList<T> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        if (samples.Count == 0) throw new ArgumentException("default_collate: cannot collate an empty batch.", nameof(samples));
        return samples;
    }
}
