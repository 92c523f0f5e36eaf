using Xunit;

namespace Ember.Tests;

public class FactoryGoldenTests
{
    // Mirrors CASES in tests/golden/factories.py.
    private static readonly Dictionary<string, Func<Tensor>> Cases = new()
    {
        ["arange_int"] = () => Tensor.Arange(10),
        ["arange_int_step"] = () => Tensor.Arange(-7, 20, 3),
        ["arange_int_neg"] = () => Tensor.Arange(10, -5, -4),
        ["arange_f"] = () => Tensor.Arange(0.0, 1.0, 0.1),
        ["arange_f_neg"] = () => Tensor.Arange(3.3, -1.9, -0.07),
        ["arange_f_long"] = () => Tensor.Arange(-2.5, 400.0, 0.3),
        ["arange_d"] = () => Tensor.Arange(0.0, 1.0, 0.1, DType.Float64),
        ["arange_d_long"] = () => Tensor.Arange(1.0 / 3, 250.0, 1.0 / 7, DType.Float64),
        ["arange_f_5k"] = () => Tensor.Arange(0.3, 700.0, 0.13),
        ["arange_d_3k"] = () => Tensor.Arange(-11.1, 300.0, 0.1, DType.Float64),
        ["arange_i_to_f"] = () => Tensor.Arange(1, 37, 2, DType.Float32),
        ["arange_f_to_i"] = () => Tensor.Arange(0.5, 9.7, 1.5, DType.Int64),
        ["arange_i32"] = () => Tensor.Arange(0, 100, 7, DType.Int32),
        ["arange_empty"] = () => Tensor.Arange(5, 5, 1),
        ["linspace_f"] = () => Tensor.Linspace(0.0, 1.0, 7),
        ["linspace_f100"] = () => Tensor.Linspace(-3.7, 11.3, 100),
        ["linspace_f1000"] = () => Tensor.Linspace(0.1, 0.9, 1000),
        ["linspace_f17"] = () => Tensor.Linspace(2.0, -5.0, 17),
        ["linspace_d"] = () => Tensor.Linspace(-3.7, 11.3, 100, DType.Float64),
        ["linspace_d33"] = () => Tensor.Linspace(1.0 / 3, 2.0 / 3, 33, DType.Float64),
        ["linspace_i"] = () => Tensor.Linspace(0, 100, 23, DType.Int64),
        ["linspace_i_neg"] = () => Tensor.Linspace(-7, 50, 40, DType.Int64),
        ["linspace_i32"] = () => Tensor.Linspace(3, -90, 19, DType.Int32),
        ["linspace_one"] = () => Tensor.Linspace(2.5, 9.0, 1),
        ["linspace_zero"] = () => Tensor.Linspace(2.5, 9.0, 0),
        ["linspace_int_args"] = () => Tensor.Linspace(0, 10, 5),
        ["logspace_f"] = () => Tensor.Logspace(-2.0, 3.0, 11),
        ["logspace_d"] = () => Tensor.Logspace(-1.3, 2.9, 37, dtype: DType.Float64),
        ["logspace_i"] = () => Tensor.Logspace(0, 4, 5, dtype: DType.Int64),
        ["logspace_one"] = () => Tensor.Logspace(2.0, 5.0, 1),
        ["eye3"] = () => Tensor.Eye(3),
        ["eye2x4"] = () => Tensor.Eye(2, 4),
        ["eye4x2_d"] = () => Tensor.Eye(4, 2, DType.Float64),
        ["eye0"] = () => Tensor.Eye(0),
        ["eye3_i"] = () => Tensor.Eye(3, dtype: DType.Int64),
    };

    public static TheoryData<string> Names => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(Names))]
    public void MatchesPyTorchExactly(string name) => TensorAssert.Equal(Golden.Load("factories")[name], Cases[name]());

    [Fact]
    public void EveryGoldenCaseIsReplayed() => Assert.Equal(Golden.Load("factories").Names.OrderBy(n => n), Cases.Keys.OrderBy(n => n));
}

public class FactoryBehaviourTests
{
    [Fact]
    public void ArangeInfersDTypeFromItsArguments()
    {
        Assert.Equal(DType.Int64, Tensor.Arange(5).DType);
        Assert.Equal(DType.Float32, Tensor.Arange(5.0).DType);
        Assert.Equal(DType.Float32, Tensor.Arange(0, 5, 0.5).DType);
        Assert.Equal(DType.Float64, Tensor.Arange(0, 5, dtype: DType.Float64).DType);
        Assert.Equal(new long[] { 5, 4, 3, 2, 1 }, Tensor.Arange(5, 0, -1).ToArray<long>());
        Assert.Equal(new[] { 10 }, Tensor.Arange(0, 1, 0.1).Shape.ToArray());
    }

    [Fact]
    public void LinspaceEndsAreExact()
    {
        var x = Tensor.Linspace(-0.3, 7.1, 333).ToArray<float>();
        Assert.Equal(-0.3f, x[0]);
        Assert.Equal(7.1f, x[^1]);
        var d = Tensor.Linspace(-0.3, 7.1, 333, DType.Float64).ToArray<double>();
        Assert.Equal(-0.3, d[0]);
        Assert.Equal(7.1, d[^1]);
    }

    [Fact]
    public void EyeIsAnIdentityAndAcceptsBool()
    {
        var e = Tensor.Eye(3, 3, DType.Bool).ToArray<bool>();
        Assert.Equal(new[] { true, false, false, false, true, false, false, false, true }, e);
        Assert.Equal(new[] { 0, 5 }, Tensor.Eye(0, 5).Shape.ToArray());
    }
}

public class FactoryErrorTests
{
    [Fact]
    public void ArangeRefusesBadSteps()
    {
        TensorAssert.Throws<ArgumentException>(() => Tensor.Arange(0, 10, 0), "arange: step must be nonzero");
        TensorAssert.Throws<ArgumentException>(() => Tensor.Arange(0.0, 1.0, 0.0), "arange: step must be nonzero");
        // The step converts to the integer dtype first, as in PyTorch: 0.5 becomes 0.
        TensorAssert.Throws<ArgumentException>(() => Tensor.Arange(0, 2.5, 0.5, DType.Int64), "arange: step must be nonzero");
        TensorAssert.Throws<ArgumentException>(() => Tensor.Arange(0, 10, -1), "arange", "inconsistent with step sign", "start=0", "end=10");
        TensorAssert.Throws<ArgumentException>(() => Tensor.Arange(0, double.PositiveInfinity), "arange", "unsupported range", "Infinity");
        TensorAssert.Throws<ArgumentException>(() => Tensor.Arange(0, 1, 1, DType.Bool), "arange", "torch.bool");
    }

    [Fact]
    public void LinspaceAndLogspaceRefuseNegativeSteps()
    {
        TensorAssert.Throws<ArgumentException>(() => Tensor.Linspace(0, 1, -1), "linspace", "non-negative", "-1");
        TensorAssert.Throws<ArgumentException>(() => Tensor.Logspace(0, 1, -2), "logspace", "non-negative", "-2");
    }

    [Fact]
    public void EyeRefusesNegativeSizes()
    {
        TensorAssert.Throws<ArgumentException>(() => Tensor.Eye(-1), "eye", "n must be greater or equal to 0, got -1");
        TensorAssert.Throws<ArgumentException>(() => Tensor.Eye(2, -3), "eye", "m must be greater or equal to 0, got -3");
    }
}
