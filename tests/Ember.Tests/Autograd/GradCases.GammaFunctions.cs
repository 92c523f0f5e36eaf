namespace Ember.Tests.Autograd;

public static partial class GradCases
{
    // Positive inputs keep clear of the poles at 0, -1, -2, ...
    private static IEnumerable<GradCase> GammaFunctionCases() =>
        UnaryCases("Lgamma", x => x.Lgamma(), null, Uniform(0.3, 4.0), gradGrad: true)
            .Concat(UnaryCases("Digamma", x => x.Digamma(), null, Uniform(0.3, 4.0), gradGrad: true))
            .Concat(UnaryCases("Polygamma", x => x.Polygamma(1), null, Uniform(0.3, 4.0), gradGrad: true))
            .Append(Case("Polygamma", "n = 2", x => x[0].Polygamma(2), () => [U(0.5, 3.0, [3])], gradGrad: true));
}
