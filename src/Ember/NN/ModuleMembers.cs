using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;

namespace Ember.NN;

/// <summary>
/// Finds the members of a module type that hold submodules, parameters and buffers: its fields
/// (auto-properties included, through their backing fields), base classes first, each class's fields
/// in declaration order. Cached per type.
/// </summary>
internal static class ModuleMembers
{
    internal enum Kind { Module, Tensor, Buffer }

    internal sealed record Slot(FieldInfo Field, string Name, Kind Kind, bool Persistent);

    private static readonly ConcurrentDictionary<Type, Slot[]> Cache = new();

    public static Slot[] Of([DynamicallyAccessedMembers(Module.Members)] Type type) => Cache.GetOrAdd(type, Discover);

    [UnconditionalSuppressMessage("Trimming", "IL2070", Justification = "Module carries DynamicallyAccessedMembers for fields and properties, which the trimmer applies to every derived type.")]
    [UnconditionalSuppressMessage("Trimming", "IL2075", Justification = "Base types of a module are modules too (or object).")]
    private static Slot[] Discover(Type type)
    {
        var chain = new List<Type>();
        for (var t = type; t is not null && t != typeof(Module) && t != typeof(object); t = t.BaseType) chain.Add(t);
        chain.Reverse();
        var slots = new List<Slot>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var t in chain)
        {
            foreach (var f in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                var ft = f.FieldType;
                bool isModule = typeof(Module).IsAssignableFrom(ft);
                bool isTensor = typeof(Tensor).IsAssignableFrom(ft);
                if (!isModule && !isTensor) continue;
                var property = BackingProperty(t, f);
                MemberInfo member = (MemberInfo?)property ?? f;
                if (member.GetCustomAttribute<NotRegisteredAttribute>() is not null) continue;
                string name = member.GetCustomAttribute<NamedAttribute>()?.Name ?? DefaultName(property?.Name ?? f.Name);
                if (!names.Add(name))
                    throw new InvalidOperationException($"{type.Name}: two members are both named '{name}' in the module registry; give one a [Named(...)] attribute.");
                var buffer = member.GetCustomAttribute<BufferAttribute>();
                if (isModule) slots.Add(new Slot(f, name, Kind.Module, true));
                else if (buffer is not null) slots.Add(new Slot(f, name, Kind.Buffer, buffer.Persistent));
                else slots.Add(new Slot(f, name, Kind.Tensor, true));
            }
        }
        return slots.ToArray();
    }

    [UnconditionalSuppressMessage("Trimming", "IL2070", Justification = "See Discover.")]
    private static PropertyInfo? BackingProperty(Type t, FieldInfo f)
    {
        // Auto-property backing fields are named "<Name>k__BackingField".
        if (!f.Name.StartsWith('<')) return null;
        int end = f.Name.IndexOf('>');
        return end > 1 ? t.GetProperty(f.Name[1..end], BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly) : null;
    }

    /// <summary><c>Fc1</c>, <c>_fc1</c>, <c>fc1</c> all become <c>fc1</c>.</summary>
    internal static string DefaultName(string member)
    {
        string s = member.TrimStart('_');
        if (s.StartsWith("m_", StringComparison.Ordinal)) s = s[2..];
        return s.Length == 0 ? member : char.ToLowerInvariant(s[0]) + s[1..];
    }
}
