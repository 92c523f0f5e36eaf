namespace Ember.NN;

/// <summary>
/// The base of the padding layers (PyTorch's <c>_ConstantPadNd</c>, <c>_ReflectionPadNd</c>,
/// <c>_ReplicationPadNd</c>): pads the last <c>dims</c> dims of its input with <see cref="F.Pad"/>.
/// </summary>
public abstract class PadNd : Module<Tensor, Tensor>
{
    private readonly string _mode;

    /// <summary>Expands one int to every side, or checks a list of (before, after) pairs from the last dim.</summary>
    /// <exception cref="ArgumentException">The list does not hold 2 × <paramref name="dims"/> sizes.</exception>
    private protected PadNd(int[] padding, int dims, string mode, double value)
    {
        ArgumentNullException.ThrowIfNull(padding);
        if (padding.Length == 1) padding = Enumerable.Repeat(padding[0], 2 * dims).ToArray();
        if (padding.Length != 2 * dims)
            throw new ArgumentException($"{GetType().Name}: padding must be one int or {2 * dims} ints (left, right{(dims > 1 ? ", top, bottom" : "")}{(dims > 2 ? ", front, back" : "")}), got {padding.Length}.", nameof(padding));
        Padding = (int[])padding.Clone();
        _mode = mode;
        Value = value;
    }

    /// <summary>The padding, (before, after) pairs starting from the last dim (<c>padding</c>).</summary>
    public IReadOnlyList<int> Padding { get; }

    /// <summary>The fill value of the constant modes (<c>value</c>); 0 for the others.</summary>
    public double Value { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Pad(input, Padding.ToArray(), _mode, Value);

    /// <inheritdoc/>
    public override string ExtraRepr() => _mode == "constant"
        ? $"padding={PyRepr.Tuple(Padding)}, value={PyRepr.IntOrFloat(Value)}"
        : PyRepr.Tuple(Padding);
}

/// <summary>Pads the last dim with a constant (<c>nn.ConstantPad1d(padding, value)</c>); padding is one int or (left, right).</summary>
public sealed class ConstantPad1d : PadNd
{
    /// <summary>Pads <paramref name="padding"/> on both sides.</summary>
    public ConstantPad1d(int padding, double value) : base([padding], 1, "constant", value) { }
    /// <summary>Pads (left, right).</summary>
    /// <exception cref="ArgumentException">Not 2 sizes.</exception>
    public ConstantPad1d(int[] padding, double value) : base(padding, 1, "constant", value) { }
}

/// <summary>Pads the last 2 dims with a constant (<c>nn.ConstantPad2d(padding, value)</c>); padding is one int or (left, right, top, bottom).</summary>
public sealed class ConstantPad2d : PadNd
{
    /// <summary>Pads <paramref name="padding"/> on every side.</summary>
    public ConstantPad2d(int padding, double value) : base([padding], 2, "constant", value) { }
    /// <summary>Pads (left, right, top, bottom).</summary>
    /// <exception cref="ArgumentException">Not 4 sizes.</exception>
    public ConstantPad2d(int[] padding, double value) : base(padding, 2, "constant", value) { }
}

/// <summary>Pads the last 3 dims with a constant (<c>nn.ConstantPad3d(padding, value)</c>); padding is one int or (left, right, top, bottom, front, back).</summary>
public sealed class ConstantPad3d : PadNd
{
    /// <summary>Pads <paramref name="padding"/> on every side.</summary>
    public ConstantPad3d(int padding, double value) : base([padding], 3, "constant", value) { }
    /// <summary>Pads (left, right, top, bottom, front, back).</summary>
    /// <exception cref="ArgumentException">Not 6 sizes.</exception>
    public ConstantPad3d(int[] padding, double value) : base(padding, 3, "constant", value) { }
}

/// <summary>Pads the last 2 dims with zeros (<c>nn.ZeroPad2d(padding)</c>): <c>new ZeroPad2d(1)</c> or <c>new ZeroPad2d(left, right, top, bottom)</c>.</summary>
/// <param name="padding">One int for every side, or (left, right, top, bottom).</param>
public sealed class ZeroPad2d(params int[] padding) : PadNd(padding, 2, "constant", 0)
{
    /// <inheritdoc/>
    public override string ExtraRepr() => PyRepr.Tuple(Padding);
}

/// <summary>Pads the last dim with its reflection, the edge not repeated (<c>nn.ReflectionPad1d</c>); input [C, W] or [N, C, W].</summary>
/// <param name="padding">One int for both sides, or (left, right); each less than the input's width.</param>
public sealed class ReflectionPad1d(params int[] padding) : PadNd(padding, 1, "reflect", 0);

/// <summary>Pads the last 2 dims with their reflection (<c>nn.ReflectionPad2d</c>); input [C, H, W] or [N, C, H, W].</summary>
/// <param name="padding">One int for every side, or (left, right, top, bottom); each less than its dim.</param>
public sealed class ReflectionPad2d(params int[] padding) : PadNd(padding, 2, "reflect", 0);

/// <summary>Pads the last dim by repeating its edge values (<c>nn.ReplicationPad1d</c>); input [C, W] or [N, C, W].</summary>
/// <param name="padding">One int for both sides, or (left, right).</param>
public sealed class ReplicationPad1d(params int[] padding) : PadNd(padding, 1, "replicate", 0);

/// <summary>Pads the last 2 dims by repeating their edge values (<c>nn.ReplicationPad2d</c>); input [C, H, W] or [N, C, H, W].</summary>
/// <param name="padding">One int for every side, or (left, right, top, bottom).</param>
public sealed class ReplicationPad2d(params int[] padding) : PadNd(padding, 2, "replicate", 0);

/// <summary>Pads the last 3 dims with their reflection (<c>nn.ReflectionPad3d</c>); input [C, D, H, W] or [N, C, D, H, W].</summary>
/// <param name="padding">One int for every side, or (left, right, top, bottom, front, back); each less than its dim.</param>
public sealed class ReflectionPad3d(params int[] padding) : PadNd(padding, 3, "reflect", 0);

/// <summary>Pads the last 3 dims by repeating their edge values (<c>nn.ReplicationPad3d</c>); input [C, D, H, W] or [N, C, D, H, W].</summary>
/// <param name="padding">One int for every side, or (left, right, top, bottom, front, back).</param>
public sealed class ReplicationPad3d(params int[] padding) : PadNd(padding, 3, "replicate", 0);
