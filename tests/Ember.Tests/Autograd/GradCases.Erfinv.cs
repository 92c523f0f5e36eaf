namespace Ember.Tests.Autograd;

public static partial class GradCases
{
    // erfinv is only defined on (-1, 1) and steep near the ends, so inputs stay in (-0.8, 0.8).
    private static IEnumerable<GradCase> ErfinvCases() =>
        UnaryCases("Erfinv", x => x.Erfinv(), y => y.Erfinv_(), Uniform(-0.8, 0.8), gradGrad: true, inPlaceGradGrad: true);
}
