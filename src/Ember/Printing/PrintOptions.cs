namespace Ember;

/// <summary>
/// How <see cref="Tensor.ToString()"/> prints tensors, as <c>torch.set_printoptions</c>. Immutable;
/// make a changed copy with <c>with</c> and either pass it to <see cref="Tensor.ToString(PrintOptions)"/>
/// or install it globally through <see cref="Current"/>.
/// </summary>
public sealed record PrintOptions
{
    /// <summary>Digits after the decimal point (default 4).</summary>
    public int Precision { get; init; } = 4;

    /// <summary>Tensors with more elements than this are summarized with <c>...</c> (default 1000).</summary>
    public long Threshold { get; init; } = 1000;

    /// <summary>Items shown at each end of a summarized dimension (default 3).</summary>
    public int EdgeItems { get; init; } = 3;

    /// <summary>Characters per line before elements wrap (default 80).</summary>
    public int LineWidth { get; init; } = 80;

    /// <summary>Force (true) or forbid (false) scientific notation; null lets the values decide, as PyTorch's default.</summary>
    public bool? SciMode { get; init; }

    /// <summary>PyTorch's <c>profile="default"</c>.</summary>
    public static PrintOptions Default { get; } = new();

    /// <summary>PyTorch's <c>profile="short"</c>: precision 2, 2 edge items.</summary>
    public static PrintOptions Short { get; } = new() { Precision = 2, EdgeItems = 2 };

    /// <summary>PyTorch's <c>profile="full"</c>: never summarize.</summary>
    public static PrintOptions Full { get; } = new() { Threshold = long.MaxValue };

    private static PrintOptions _current = Default;

    /// <summary>
    /// The options <see cref="Tensor.ToString()"/> uses; process-wide, like <c>torch.set_printoptions</c>.
    /// Tests and libraries should prefer <see cref="Tensor.ToString(PrintOptions)"/>, which changes nothing global.
    /// </summary>
    public static PrintOptions Current
    {
        get => Volatile.Read(ref _current);
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            value.Validate("PrintOptions.Current");
            Volatile.Write(ref _current, value);
        }
    }

    /// <summary>Refuses options the printer cannot honour, naming the setting.</summary>
    internal void Validate(string op)
    {
        if (Precision < 0 || Precision > 50)
            throw new ArgumentOutOfRangeException(nameof(Precision), $"{op}: Precision must be in [0, 50], got {Precision}.");
        if (Threshold < 0)
            throw new ArgumentOutOfRangeException(nameof(Threshold), $"{op}: Threshold must be non-negative, got {Threshold}.");
        if (EdgeItems < 0)
            throw new ArgumentOutOfRangeException(nameof(EdgeItems), $"{op}: EdgeItems must be non-negative, got {EdgeItems}.");
        if (LineWidth < 1)
            throw new ArgumentOutOfRangeException(nameof(LineWidth), $"{op}: LineWidth must be positive, got {LineWidth}.");
    }
}
