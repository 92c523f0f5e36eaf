namespace Ember.Vision.Transforms;

/// <summary>
/// A transform that also works on images before <see cref="ToTensor"/>, as torchvision's transforms work
/// on PIL images. An image is what the datasets and <see cref="ImageIO.LoadImage"/> give: an [H, W, C]
/// (or [H, W]) uint8 tensor with 1, 3 or 4 channels, in HWC layout like <c>np.array(pil_image)</c>.
/// <see cref="ITransform.Apply"/> keeps torchvision's tensor semantics ([..., C, H, W] of any dtype);
/// <see cref="ApplyToImage"/> has its PIL semantics, pixel for pixel where the two differ (Resize, Grayscale).
/// </summary>
public interface IImageTransform : ITransform
{
    /// <summary>Applies the transform to an image, giving an image in the same layout.</summary>
    Tensor ApplyToImage(Tensor image);
}

/// <summary>Applies transforms to images as torchvision applies them to PIL images.</summary>
public static class ImageTransforms
{
    /// <summary>
    /// Applies <paramref name="transform"/> to an [H, W, C] uint8 image, as the vision datasets do (what
    /// <c>transform(pil_image)</c> does in torchvision). In a <see cref="Compose"/>, transforms before
    /// <see cref="ToTensor"/> (or <see cref="PilToTensor"/>) see the image, those after it see the tensor, and
    /// <see cref="ToPilImage"/> turns a tensor back into an image. Transforms that need a tensor in
    /// torchvision too (Normalize, ColorJitter's tensor form) are refused before ToTensor; other transforms
    /// (Lambda, your own) get the image as it is.
    /// </summary>
    public static Tensor ApplyToImage(this ITransform transform, Tensor image)
    {
        ArgumentNullException.ThrowIfNull(transform);
        return Run(transform, image, isImage: true).Result;
    }

    internal static (Tensor Result, bool IsImage) Run(ITransform t, Tensor input, bool isImage)
    {
        if (t is Compose c)
        {
            foreach (var inner in c.Transforms) (input, isImage) = Run(inner, input, isImage);
            return (input, isImage);
        }
        if (!isImage) return (t.Apply(input), t is ToPilImage);
        return t switch
        {
            IImageTransform it => (it.ApplyToImage(input), true),
            ToTensor or PilToTensor => (t.Apply(input), false),
            ToPilImage => throw new ArgumentException($"ToPILImage: pic should be a tensor, but got an image (shape {input.Shape}, {input.DType.TorchName()}) before ToTensor."),
            Normalize or ColorJitter => throw new ArgumentException(
                $"{t.GetType().Name}: img should be a tensor image, but got an image before ToTensor (shape {input.Shape}); place it after ToTensor(), as torchvision's tensor transforms need."),
            _ => (t.Apply(input), true),
        };
    }
}
