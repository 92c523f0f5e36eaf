namespace Ember.NN;

public static partial class Init
{
    /// <summary>
    /// The default initialisation of Linear and the convolutions (their <c>reset_parameters</c>): the
    /// weight Kaiming-uniform with a = √5, then the bias uniform in ±1/√fan_in, fan_in read from the
    /// weight's shape, in that order from the default generator, so a seed gives PyTorch's weights.
    /// With fan_in = 0, Linear still draws its bias (bound 0) and the convolutions leave it alone, as
    /// PyTorch's two reset_parameters differ there (<paramref name="drawBiasWithoutFanIn"/>).
    /// </summary>
    internal static void ResetLinearOrConv(Parameter weight, Parameter? bias, bool drawBiasWithoutFanIn)
    {
        KaimingUniform_(weight, a: Math.Sqrt(5.0));
        if (bias is null) return;
        long fanIn = CalculateFanInAndFanOut(weight).FanIn;
        if (fanIn == 0 && !drawBiasWithoutFanIn) return;
        double bound = fanIn > 0 ? 1 / Math.Sqrt(fanIn) : 0;
        Uniform_(bias, -bound, bound);
    }
}
