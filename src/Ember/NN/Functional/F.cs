namespace Ember.NN;

/// <summary>
/// The functional forms of the layers and losses (<c>torch.nn.functional</c>, usually imported as
/// <c>F</c>): stateless functions that take every tensor, weights included, as an argument. Each
/// module in <see cref="Ember.NN"/> calls the function of the same name here, so a module and its
/// functional form always compute the same thing. The class is partial: each family of functions
/// (activations, normalisation, losses, convolution, pooling) lives in its own file.
/// </summary>
public static partial class F
{
}
