using System.CommandLine;
using System.CommandLine.Parsing;

namespace Ember.Cli;

/// <summary>
/// System.CommandLine's parse errors in a user's words. Its own messages name .NET types
/// ("Cannot parse argument 'abc' for option '--epochs' as expected type 'System.Int32'"); ours name the
/// option, the value and what was expected: <c>--epochs: 'abc' is not a whole number</c>. The rewrite
/// goes by the option's value type, so an option added later gets the same wording without a parser of
/// its own.
/// </summary>
internal static class ParseErrors
{
    /// <summary>One line for <paramref name="error"/>.</summary>
    public static string Describe(ParseError error)
    {
        switch (error.SymbolResult)
        {
            // A value that does not convert to the option's type; our validators' own errors already read well.
            case OptionResult o when IsConversionError(error.Message) && Expected(o.Option.ValueType) is { } expected:
                return NotA(o, expected);
            case ArgumentResult { Parent: OptionResult o } when IsConversionError(error.Message) && Expected(o.Option.ValueType) is { } expected:
                return NotA(o, expected);
            case OptionResult o when o.Tokens.Count == 0 && error.Message.Contains("Required argument missing", StringComparison.Ordinal):
                return $"{o.Option.Name} needs a value.";
            case ArgumentResult { Parent: OptionResult o } when o.Tokens.Count == 0:
                return $"{o.Option.Name} needs a value.";
            case ArgumentResult a when IsMissingArgument(error.Message):
                return $"missing the {a.Argument.Name.ToUpperInvariant()} argument.";
            case CommandResult c when IsMissingArgument(error.Message) && c.Command.Arguments.Count > 0:
                return $"missing the {string.Join(" ", c.Command.Arguments.Select(a => a.Name.ToUpperInvariant()))} argument.";
        }
        if (error.Message.StartsWith("Unrecognized command or argument", StringComparison.Ordinal))
            return $"unknown command, option or argument {Quoted(error.Message)}.";
        if (error.Message.StartsWith("Required command was not provided", StringComparison.Ordinal))
            return "which command? One of: train, eval, predict, info.";
        return StripTypeNames(error.Message);
    }

    /// <summary>
    /// The error to show when there are several: a token the parser did not recognise explains the
    /// others ("ember frob" is an unknown command, not a missing one).
    /// </summary>
    public static ParseError First(IReadOnlyList<ParseError> errors) =>
        errors.FirstOrDefault(e => e.Message.StartsWith("Unrecognized command or argument", StringComparison.Ordinal)) ?? errors[0];

    private static bool IsMissingArgument(string message) =>
        message.StartsWith("Required argument", StringComparison.Ordinal) && message.Contains("missing", StringComparison.Ordinal);

    private static bool IsConversionError(string message) => message.StartsWith("Cannot parse argument", StringComparison.Ordinal);

    // What a value of the option's type is, in words; null for types we do not describe.
    private static string? Expected(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(int) || type == typeof(long) || type == typeof(short)) return "a whole number";
        if (type == typeof(double) || type == typeof(float) || type == typeof(decimal)) return "a number";
        if (type == typeof(bool)) return "true or false";
        return null;
    }

    // "99999999999" is a whole number, just not one an int holds: say so rather than "not a whole number".
    private static string NotA(OptionResult o, string expected)
    {
        string value = Value(o);
        Type type = Nullable.GetUnderlyingType(o.Option.ValueType) ?? o.Option.ValueType;
        if (type == typeof(int) && System.Numerics.BigInteger.TryParse(value, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out _))
            return $"{o.Option.Name}: {value} is out of range (from {int.MinValue} to {int.MaxValue}).";
        return $"{o.Option.Name}: '{value}' is not {expected}.";
    }

    private static string Value(OptionResult o) => o.Tokens.Count > 0 ? o.Tokens[^1].Value : "";

    private static string Quoted(string message)
    {
        int a = message.IndexOf('\''), b = message.LastIndexOf('\'');
        return a >= 0 && b > a ? message[a..(b + 1)] : message;
    }

    // A last resort for messages we do not rewrite: no "System.Int32" in front of a user.
    private static string StripTypeNames(string message) =>
        System.Text.RegularExpressions.Regex.Replace(message, @" as expected type '[\w.`\[\], ]+'", "");
}
