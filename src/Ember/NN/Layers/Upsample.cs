using System.Globalization;

namespace Ember.NN;

/// <summary>Resizes [N, C, L] or [N, C, H, W] inputs (<c>nn.Upsample</c>); see <see cref="F.Interpolate"/>.</summary>
public class Upsample : Module<Tensor, Tensor>
{
    /// <summary>
    /// Creates the layer with exactly one of <paramref name="size"/> and <paramref name="scaleFactor"/>
    /// (one value for every spatial dim, or one per dim).
    /// </summary>
    /// <exception cref="ArgumentException">Both or neither of size and scale factor.</exception>
    public Upsample(int[]? size = null, double[]? scaleFactor = null, string mode = "nearest", bool? alignCorners = null)
    {
        ArgumentNullException.ThrowIfNull(mode);
        if ((size is null) == (scaleFactor is null))
            throw new ArgumentException(size is null ? "Upsample: either size or scale_factor should be defined" : "Upsample: only one of size or scale_factor should be defined");
        Size = size; ScaleFactor = scaleFactor; Mode = mode; AlignCorners = alignCorners;
    }

    /// <summary>The output size, or null when scaling.</summary>
    public int[]? Size { get; }

    /// <summary>The scale factor(s), or null when sizing.</summary>
    public double[]? ScaleFactor { get; }

    /// <summary><c>"nearest"</c>, <c>"linear"</c> or <c>"bilinear"</c>.</summary>
    public string Mode { get; }

    /// <summary>PyTorch's <c>align_corners</c> for the linear modes.</summary>
    public bool? AlignCorners { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Interpolate(input, Size, ScaleFactor, Mode, AlignCorners);

    /// <inheritdoc/>
    public override string ExtraRepr()
    {
        string info = ScaleFactor is not null
            ? "scale_factor=" + (ScaleFactor.Length == 1 ? PyFloat(ScaleFactor[0]) : "(" + string.Join(", ", ScaleFactor.Select(PyFloat)) + ")")
            : "size=" + (Size!.Length == 1 ? Size[0].ToString(CultureInfo.InvariantCulture) : ConvNd.Tuple(Size));
        return info + ", mode=" + Mode;
    }

    /// <summary>Python's repr of a float: <c>2.0</c>, <c>1.5</c>.</summary>
    private static string PyFloat(double v)
    {
        string s = v.ToString("R", CultureInfo.InvariantCulture);
        return s.Contains('.') || s.Contains('E') || !double.IsFinite(v) ? s : s + ".0";
    }
}

/// <summary>
/// Nearest-neighbour upsampling of [N, C, H, W] inputs (<c>nn.UpsamplingNearest2d</c>, an <see cref="Upsample"/>
/// with mode "nearest"). Give exactly one of <paramref name="size"/> and <paramref name="scaleFactor"/>.
/// </summary>
public sealed class UpsamplingNearest2d(int[]? size = null, double[]? scaleFactor = null) : Upsample(size, scaleFactor, "nearest");

/// <summary>
/// Bilinear upsampling of [N, C, H, W] inputs with aligned corners (<c>nn.UpsamplingBilinear2d</c>, an
/// <see cref="Upsample"/> with mode "bilinear" and align_corners true, as PyTorch). Give exactly one of
/// <paramref name="size"/> and <paramref name="scaleFactor"/>.
/// </summary>
public sealed class UpsamplingBilinear2d(int[]? size = null, double[]? scaleFactor = null) : Upsample(size, scaleFactor, "bilinear", alignCorners: true);
