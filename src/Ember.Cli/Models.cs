using Ember.NN;
using Ember.Vision.Models;

namespace Ember.Cli;

/// <summary>The models <c>--model</c> names.</summary>
internal static class Models
{
    /// <summary>The image classifiers' names (<c>--model</c> also accepts <see cref="LanguageModelTraining.ModelName"/>).</summary>
    public static readonly string[] Names = ["lenet", "mlp"];

    /// <summary>
    /// Builds <paramref name="name"/> for images of <paramref name="channels"/> x <paramref name="size"/>
    /// x <paramref name="size"/>: LeNet pads its first convolution when the images are 28x28, so that
    /// every later shape is the chapter's (32 -> 28 -> 14 -> 10 -> 5).
    /// </summary>
    /// <exception cref="CliException">The name is unknown, or names the language model (built by <see cref="LanguageModelTraining"/>, not for images).</exception>
    public static Module<Tensor, Tensor> Create(string name, int channels, int size, int classes) => name switch
    {
        "lenet" => new LeNet(channels, classes, padding: (32 - size) / 2),
        "mlp" => new Mlp(channels * size * size, 256, classes),
        LanguageModelTraining.ModelName => throw new CliException($"{name} is a language model, not an image classifier: `ember eval` and `ember predict` take lenet and mlp checkpoints (`ember train --model {name}` reports its test perplexity and samples text itself)."),
        _ => throw new CliException($"unknown model '{name}'; expected one of: {string.Join(", ", Names)}."),
    };
}
