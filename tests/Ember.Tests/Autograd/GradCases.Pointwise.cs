namespace Ember.Tests.Autograd;

public static partial class GradCases
{
    private static IEnumerable<GradCase> PointwiseCases()
    {
        yield return Case("Mul", "same shape", x => x[0] * x[1], () => [R(2, 3), R(2, 3)], gradGrad: true);
        yield return Case("Mul", "broadcast [3,1]*[1,4]", x => x[0] * x[1], () => [R(3, 1), R(1, 4)]);
        yield return Case("Mul", "non-contiguous and transposed", x => x[0] * x[1], () => [NC(3, 4), T(3, 4)]);
        yield return Case("Mul", "by a constant", x => x[0] * x[1], () => [R(2, 2), C(2, 2)]);
        yield return Case("Mul", "in place on a non-leaf", x => { var y = x[0] * 1.0; y.Mul_(x[1]); return y; }, () => [R(2, 3), R(3)]);
        yield return Case("Mul", "in place on a view of a non-leaf", x => { var y = x[0] * 1.0; y[0].Mul_(x[1]); return y; }, () => [R(2, 3), R(3)]);
    }
}
