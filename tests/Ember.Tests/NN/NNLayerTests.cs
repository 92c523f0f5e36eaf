using System.Text.Json;
using Ember.NN;
using Xunit;

namespace Ember.Tests.NN;

/// <summary>
/// The layers against PyTorch 1.13 (tests/golden/nn_layers.py): forward values, input and parameter
/// gradients in float32 and float64, seeded initial weights, running statistics and printed text.
/// </summary>
[Collection("DefaultGenerator")]
public partial class NNLayerTests
{
    private static readonly Golden G = Golden.Load("nn_layers");
    private static readonly JsonElement Text = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "golden", "nn_layers_text.json"))).RootElement;

    private static string ExpectedText(string key) => Text.GetProperty(key).GetString()!;

    private static DType Dt(string dn) => dn == "f32" ? DType.Float32 : DType.Float64;

    // float32 results differ from PyTorch's in the last bits (other kernels, other summation orders).
    private static void Close(Tensor expected, Tensor actual, string dn) =>
        TensorAssert.Close(expected, actual, dn == "f32" ? 2e-5 : 1e-11, dn == "f32" ? 2e-6 : 1e-13);

    private static Module<Tensor, Tensor> Activation(string name, DType dt) => name switch
    {
        "relu" => new ReLU(),
        "relu6" => new ReLU6(),
        "leaky_relu" => new LeakyReLU(),
        "leaky_relu_0.2" => new LeakyReLU(0.2),
        "elu" => new ELU(),
        "elu_0.5" => new ELU(0.5),
        "selu" => new SELU(),
        "gelu" => new GELU(),
        "gelu_tanh" => new GELU("tanh"),
        "silu" => new SiLU(),
        "mish" => new Mish(),
        "sigmoid" => new Sigmoid(),
        "tanh" => new Tanh(),
        "softmax_1" => new Softmax(1),
        "softmax_0" => new Softmax(0),
        "log_softmax_1" => new LogSoftmax(1),
        "log_softmax_0" => new LogSoftmax(0),
        "softplus" => new Softplus(),
        "softplus_2_5" => new Softplus(2, 5),
        "hardtanh" => new Hardtanh(),
        "hardtanh_-2_3" => new Hardtanh(-2, 3),
        "hardswish" => new Hardswish(),
        "prelu" => new PReLU(dtype: dt),
        "prelu_7" => new PReLU(7, 0.1, dtype: dt),
        _ => throw new ArgumentException(name),
    };

    public static TheoryData<string, string> Activations()
    {
        var d = new TheoryData<string, string>();
        foreach (var n in new[] { "relu", "relu6", "leaky_relu", "leaky_relu_0.2", "elu", "elu_0.5", "selu", "gelu", "gelu_tanh", "silu", "mish",
                     "sigmoid", "tanh", "softmax_1", "softmax_0", "log_softmax_1", "log_softmax_0", "softplus", "softplus_2_5", "hardtanh",
                     "hardtanh_-2_3", "hardswish", "prelu", "prelu_7" })
            foreach (var dn in new[] { "f32", "f64" }) d.Add(n, dn);
        return d;
    }

    [Theory]
    [MemberData(nameof(Activations))]
    public void ActivationValuesAndGradientsMatchPyTorch(string name, string dn)
    {
        string k = $"act_{name}_{dn}";
        var x = G[k + "_x"].RequiresGrad_();
        var m = Activation(name, Dt(dn));
        var y = m.Call(x);
        y.Backward(G[k + "_gy"]);
        Close(G[k + "_y"], y.Detach(), dn);
        var gx = G[k + "_gx"];
        // At exactly 3 PyTorch's hardswish gradient depends on whether the element went through its
        // vectorised loop (g) or its scalar tail (1.5 g); Ember always gives the scalar formula's 1.5 g.
        if (name == "hardswish") gx = Tensor.Where(x.Detach().Eq(3), 1.5 * G[k + "_gy"], gx);
        Close(gx, x.Grad!, dn);
        if (m is PReLU p) Close(G[k + "_gw"], p.Weight.Grad!, dn);
        Assert.Equal(ExpectedText("act_" + name), m.ToString());
    }

    [Theory]
    [InlineData("relu_inplace")]
    [InlineData("relu6_inplace")]
    [InlineData("leaky_relu_inplace")]
    [InlineData("elu_inplace")]
    [InlineData("selu_inplace")]
    [InlineData("silu_inplace")]
    [InlineData("mish_inplace")]
    [InlineData("hardtanh_inplace")]
    [InlineData("hardswish_inplace")]
    public void InPlaceActivationsGiveTheOutOfPlaceValuesAndGradients(string name)
    {
        Module<Tensor, Tensor> Make(bool inplace) => name switch
        {
            "relu_inplace" => new ReLU(inplace),
            "relu6_inplace" => new ReLU6(inplace),
            "leaky_relu_inplace" => new LeakyReLU(0.1, inplace),
            "elu_inplace" => new ELU(inplace: inplace),
            "selu_inplace" => new SELU(inplace),
            "silu_inplace" => new SiLU(inplace),
            "mish_inplace" => new Mish(inplace),
            "hardtanh_inplace" => new Hardtanh(inplace: inplace),
            _ => new Hardswish(inplace),
        };
        var src = G["act_relu_f64_x"];
        var gy = G["act_relu_f64_gy"];
        var x1 = src.Clone().RequiresGrad_();
        var y1 = Make(false).Call(x1);
        y1.Backward(gy);
        var x2 = src.Clone().RequiresGrad_();
        var h = x2 * 1.0;
        var m = Make(true);
        var y2 = m.Call(h);
        Assert.Same(h, y2);
        y2.Backward(gy);
        TensorAssert.Close(y1.Detach(), y2.Detach());
        TensorAssert.Close(x1.Grad!, x2.Grad!);
        Assert.Equal(ExpectedText("act_" + name), m.ToString());
    }

    [Fact]
    public void SoftmaxWithoutADimPrintsNone()
    {
        Assert.Equal(ExpectedText("act_softmax_none"), new Softmax().ToString());
        Assert.Equal(ExpectedText("act_log_softmax_m1"), new LogSoftmax(-1).ToString());
    }

    [Fact]
    public void InPlaceActivationOnALeafThatRequiresGradIsRefused()
    {
        var x = Tensor.Randn(3).RequiresGrad_();
        TensorAssert.Throws<InvalidOperationException>(() => F.Elu(x, inplace: true), "elu_");
    }

    [Fact]
    public void BadActivationArgumentsAreRefused()
    {
        TensorAssert.Throws<ArgumentException>(() => new GELU("fast"), "approximate", "fast");
        TensorAssert.Throws<ArgumentException>(() => new Hardtanh(1, -1), "max_val");
        TensorAssert.Throws<NotSupportedException>(() => F.Gelu(Tensor.From(new long[] { 1, 2 })), "gelu", "int64");
        TensorAssert.Throws<ArgumentException>(() => F.Prelu(Tensor.Randn(2, 3), Tensor.Ones(4)), "prelu", "parameter numbers = 4", "channel size = 3");
    }
}
