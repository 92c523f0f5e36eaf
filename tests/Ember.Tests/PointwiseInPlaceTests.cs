using Xunit;

namespace Ember.Tests;

public class PointwiseInPlaceTests
{
    private static Tensor A(string dt = "f32") => PW.G[$"a_{dt}"].Clone();

    private static void SameAsOutOfPlace(Func<Tensor, Tensor> inPlace, Func<Tensor, Tensor> outOfPlace, Tensor x0)
    {
        foreach (var v in PW.Variants(x0.Clone()))
        {
            var x = v.IsContiguous() ? v.Clone() : v;
            var want = outOfPlace(x.Clone());
            long version = x.Version;
            var r = inPlace(x);
            Assert.Same(x, r);
            Assert.True(x.Version > version, "version not bumped");
            TensorAssert.Close(want, x);
        }
    }

    public static TheoryData<string> Names() => new(
        "add", "addalpha", "sub", "subalpha", "mul", "div", "divfloor", "pow", "pows", "clamp", "clampt", "lerp", "addcmul", "addcdiv",
        "exp", "log", "neg", "abs", "sqrt", "relu", "sigmoid", "tanh", "floor", "ceil", "round", "round2", "reciprocal");

    [Theory, MemberData(nameof(Names))]
    public void MatchesOutOfPlaceOnViews(string name)
    {
        foreach (var dt in PW.Floats)
        {
            Tensor b = PW.G[$"b_{dt}"], c = PW.G[$"c_{dt}"], w = PW.G[$"w_{dt}"], p = PW.G[$"p_{dt}"];
            Tensor lo = PW.G[$"lo_{dt}"], hi = PW.G[$"hi_{dt}"];
            (Func<Tensor, Tensor> Ip, Func<Tensor, Tensor> Op, Tensor X) k = name switch
            {
                "add" => (x => x.Add_(b), x => x + b, A(dt)),
                "addalpha" => (x => x.Add_(b, -0.5), x => x.Add(b, -0.5), A(dt)),
                "sub" => (x => x.Sub_(b), x => x - b, A(dt)),
                "subalpha" => (x => x.Sub_(b, 3), x => x.Sub(b, 3), A(dt)),
                "mul" => (x => x.Mul_(b), x => x * b, A(dt)),
                "div" => (x => x.Div_(b), x => x / b, A(dt)),
                "divfloor" => (x => x.Div_(b, "floor"), x => x.Div(b, "floor"), A(dt)),
                "pow" => (x => x.Pow_(b), x => x.Pow(b), p),
                "pows" => (x => x.Pow_(2), x => x.Pow(2), A(dt)),
                "clamp" => (x => x.Clamp_(-0.5, 0.5), x => x.Clamp(-0.5, 0.5), A(dt)),
                "clampt" => (x => x.Clamp_(lo, hi), x => x.Clamp(lo, hi), A(dt)),
                "lerp" => (x => x.Lerp_(b, w), x => x.Lerp(b, w), A(dt)),
                "addcmul" => (x => x.Addcmul_(b, c, 0.5), x => x.Addcmul(b, c, 0.5), A(dt)),
                "addcdiv" => (x => x.Addcdiv_(b, c, 2), x => x.Addcdiv(b, c, 2), A(dt)),
                "exp" => (x => x.Exp_(), x => x.Exp(), A(dt)),
                "log" => (x => x.Log_(), x => x.Log(), p),
                "neg" => (x => x.Neg_(), x => x.Neg(), A(dt)),
                "abs" => (x => x.Abs_(), x => x.Abs(), A(dt)),
                "sqrt" => (x => x.Sqrt_(), x => x.Sqrt(), p),
                "relu" => (x => x.Relu_(), x => x.Relu(), A(dt)),
                "sigmoid" => (x => x.Sigmoid_(), x => x.Sigmoid(), A(dt)),
                "tanh" => (x => x.Tanh_(), x => x.Tanh(), A(dt)),
                "floor" => (x => x.Floor_(), x => x.Floor(), A(dt)),
                "ceil" => (x => x.Ceil_(), x => x.Ceil(), A(dt)),
                "round" => (x => x.Round_(), x => x.Round(), A(dt)),
                "round2" => (x => x.Round_(2), x => x.Round(2), A(dt)),
                "reciprocal" => (x => x.Reciprocal_(), x => x.Reciprocal(), A(dt)),
                _ => throw new ArgumentException(name),
            };
            SameAsOutOfPlace(k.Ip, k.Op, k.X);
        }
    }

    [Fact]
    public void WritesThroughViewsToTheBase()
    {
        var basis = Tensor.Zeros(3, 4);
        var col = TestViews.Sliced(basis, 1, 1, 2, 2);       // columns 1 and 3
        col.Add_(Tensor.From(new float[] { 1, 2 }));
        Assert.Equal(new float[] { 0, 1, 0, 2, 0, 1, 0, 2, 0, 1, 0, 2 }, basis.ToArray<float>());
    }

    [Fact]
    public void OverlappingOperandIsReadBeforeItIsWritten()
    {
        var x = Tensor.From(new double[,] { { 1, 2 }, { 3, 4 } });
        var want = x + TestViews.Permuted(x, 1, 0);
        x.Add_(TestViews.Permuted(x, 1, 0));
        TensorAssert.Equal(want, x);
        var y = Tensor.From(new float[] { 1, 2, 3, 4 });
        var wantY = TestViews.Sliced(y, 0, 0, 3) * TestViews.Sliced(y, 0, 1, 3);
        TestViews.Sliced(y, 0, 0, 3).Mul_(TestViews.Sliced(y, 0, 1, 3));
        Assert.Equal(wantY.ToArray<float>(), TestViews.Sliced(y, 0, 0, 3).ToArray<float>());
    }

    [Fact]
    public void DTypeRules()
    {
        var f = Tensor.From(new float[] { 1.5f, 2.5f });
        f.Add_(Tensor.From(new double[] { 0.25, 0.25 }));           // float64 result castable to float32
        Assert.Equal(DType.Float32, f.DType);
        Assert.Equal(new float[] { 1.75f, 2.75f }, f.ToArray<float>());
        var i = Tensor.From(new long[] { 7, -7 });
        i.Div_(2, "floor");
        Assert.Equal(new long[] { 3, -4 }, i.ToArray<long>());
        i.Floor_().Round_().Ceil_();
        Assert.Equal(new long[] { 3, -4 }, i.ToArray<long>());
        var b = Tensor.From(new[] { true, false });
        b.Add_(Tensor.From(new[] { false, false }));
        Assert.Equal(new[] { true, false }, b.ToArray<bool>());
        Tensor.From(new float[] { 1, 2 }).Mul_(b);                  // bool operand promotes into float
    }

    [Fact]
    public void FillAndZero()
    {
        var i = Tensor.From(new long[] { 1, 2 });
        long v = i.Version;
        i.Fill_(2.7);
        Assert.Equal(new long[] { 2, 2 }, i.ToArray<long>());
        Assert.True(i.Version > v);
        var b = Tensor.Zeros([2], DType.Bool).Fill_(2);
        Assert.Equal(new[] { true, true }, b.ToArray<bool>());
        var e = TestViews.Expanded(Tensor.From(new float[] { 1, 2 }), 3, 2); // PyTorch allows filling an expanded view
        e.Fill_(5);
        Assert.Equal(Enumerable.Repeat(5f, 6).ToArray(), e.ToArray<float>());
        var z = TestViews.NonContiguous(Tensor.Ones(2, 3)).Zero_();
        Assert.Equal(new float[6], z.ToArray<float>());
    }

    [Fact]
    public void RefusesUncastableResults()
    {
        var i = Tensor.From(new long[] { 1, 2 });
        TensorAssert.Throws<InvalidOperationException>(() => i.Add_(1.5), "add_", "result type Float can't be cast to the desired output type Long");
        TensorAssert.Throws<InvalidOperationException>(() => i.Div_(2), "div_", "result type Float can't be cast to the desired output type Long");
        TensorAssert.Throws<InvalidOperationException>(() => i.Sqrt_(), "sqrt_", "Float", "Long");
        TensorAssert.Throws<InvalidOperationException>(() => i.Clamp_(0.5), "clamp_", "Float", "Long");
        TensorAssert.Throws<InvalidOperationException>(() => i.Pow_(0.5), "pow_", "Float", "Long");
        TensorAssert.Throws<InvalidOperationException>(() => Tensor.From(new[] { true }).Mul_(Tensor.From(new float[] { 2 })), "mul_", "result type Float can't be cast to the desired output type Bool");
        TensorAssert.Throws<InvalidOperationException>(() => Tensor.From(new int[] { 1 }).Addcmul_(Tensor.From(new double[] { 1 }), Tensor.From(new double[] { 1 })), "addcmul_", "Double", "Int");
        Assert.Equal(new long[] { 1, 2 }, i.ToArray<long>());        // nothing written
    }

    [Fact]
    public void RefusesExpandedOutputsAndShapeGrowth()
    {
        var e = TestViews.Expanded(Tensor.From(new float[] { 1, 2 }), 3, 2);
        TensorAssert.Throws<InvalidOperationException>(() => e.Add_(1), "add_", "more than one element of the written-to tensor", "clone()");
        TensorAssert.Throws<InvalidOperationException>(() => e.Exp_(), "exp_", "more than one element");
        TensorAssert.Throws<InvalidOperationException>(() => e.Lerp_(e, 0.5), "lerp_", "more than one element");
        var x = Tensor.From(new float[] { 1, 2 });
        TensorAssert.Throws<ArgumentException>(() => x.Add_(Tensor.Ones(3, 2)), "add_", "output with shape [2] doesn't match the broadcast shape [3, 2]");
        TensorAssert.Throws<ArgumentException>(() => x.Addcmul_(Tensor.Ones(3, 2), 1), "addcmul_", "[3, 2]");
        TensorAssert.Throws<ArgumentException>(() => x.Clamp_(Tensor.Ones(3, 1)), "clamp_", "[3, 2]");
        Assert.Equal(new float[] { 1, 2 }, x.ToArray<float>());
    }
}
