using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Ember.Cli;

/// <summary>
/// Range and name checks on options, run by the parser: a value out of range is a parse error
/// (exit code 2, the option named, before anything is loaded), like a value that does not parse.
/// </summary>
internal static class OptionChecks
{
    /// <summary>Refuses values below <paramref name="min"/>.</summary>
    public static Option<T> AtLeast<T>(this Option<T> option, int min)
    {
        option.Validators.Add(r =>
        {
            if (TryGet(r, out T value) && value is int v && v < min)
                r.AddError($"{option.Name} must be at least {min}, got {v}.");
        });
        return option;
    }

    /// <summary>Refuses zero, negative, infinite and NaN values.</summary>
    public static Option<T> Positive<T>(this Option<T> option)
    {
        option.Validators.Add(r =>
        {
            if (TryGet(r, out T value) && value is double v && !(double.IsFinite(v) && v > 0))
                r.AddError($"{option.Name} must be a positive finite number, got {Show(v)}.");
        });
        return option;
    }

    /// <summary>Refuses negative, infinite and NaN values.</summary>
    public static Option<T> NonNegative<T>(this Option<T> option)
    {
        option.Validators.Add(r =>
        {
            if (TryGet(r, out T value) && value is double v && !(double.IsFinite(v) && v >= 0))
                r.AddError($"{option.Name} must be zero or more (and finite), got {Show(v)}.");
        });
        return option;
    }

    /// <summary>Refuses values above <paramref name="max"/> (a probability, say).</summary>
    public static Option<T> AtMost<T>(this Option<T> option, double max)
    {
        option.Validators.Add(r =>
        {
            if (TryGet(r, out T value) && value is double v && v > max)
                r.AddError($"{option.Name} must be at most {Show(max)}, got {Show(v)}.");
        });
        return option;
    }

    /// <summary>Refuses a name not in <paramref name="names"/>, listing them.</summary>
    public static Option<T> OneOf<T>(this Option<T> option, IReadOnlyList<string> names)
    {
        option.Validators.Add(r =>
        {
            if (TryGet(r, out T value) && value is string s && !names.Contains(s))
                r.AddError($"{option.Name}: unknown name '{s}'; expected one of: {string.Join(", ", names)}.");
        });
        return option;
    }

    /// <summary>Refuses a device string <see cref="Device.Parse"/> does not read (<c>tpu</c>); <c>cuda</c> passes here and is refused when the command runs.</summary>
    public static Option<string> IsDevice(this Option<string> option)
    {
        option.Validators.Add(r =>
        {
            if (!TryGet(r, out string? s) || s is null) return;
            try { Device.Parse(s); }
            catch (FormatException) { r.AddError($"{option.Name}: unknown device '{s}'; expected cpu, cuda or cuda:N."); }
        });
        return option;
    }

    /// <summary>Refuses a folder path that names an existing file (the command would fail after loading the data, or, for a data folder, look elsewhere without a word).</summary>
    public static Option<T> NotAFile<T>(this Option<T> option)
    {
        option.Validators.Add(r =>
        {
            if (TryGet(r, out T value) && value is string s && File.Exists(s))
                r.AddError($"{option.Name}: {s} is a file; give a folder.");
        });
        return option;
    }

    // A value that did not convert has its own error already; a check on it would only add noise.
    private static bool TryGet<T>(OptionResult r, out T value)
    {
        value = default!;
        if (r.Tokens.Count == 0) return false;
        try { value = r.GetValueOrDefault<T>(); return true; }
        catch (InvalidOperationException) { return false; }
    }

    private static string Show(double v) => v.ToString(CultureInfo.InvariantCulture);
}
