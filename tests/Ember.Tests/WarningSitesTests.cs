using System.Text.Json;
using System.Text.RegularExpressions;
using Ember.NN;
using Ember.Optim;
using Xunit;

namespace Ember.Tests;

/// <summary>
/// Ember warns where PyTorch 1.13 warns, with its text (issue 12, item 11): each case runs the Ember
/// form of a call that tests/golden/warning_texts.py ran in PyTorch, inside <see cref="Warnings.Capture"/>,
/// and compares the recorded list. PyTorch prints shapes as torch.Size([3]), Ember as [3]; PyTorch's
/// C++ warnings end with "(Triggered internally at file:line.)", which Ember has no use for.
/// </summary>
public class WarningSitesTests
{
    private static readonly Dictionary<string, (string Category, string Message)[]> Expected = Load();

    private static Dictionary<string, (string, string)[]> Load()
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "golden", "warning_texts.json")));
        return doc.RootElement.GetProperty("cases").EnumerateObject().ToDictionary(
            c => c.Name,
            c => c.Value.EnumerateArray().Select(w => (w.GetProperty("category").GetString()!, AsEmberWords(w.GetProperty("message").GetString()!))).ToArray());
    }

    private static string AsEmberWords(string torch) =>
        Regex.Replace(Regex.Replace(torch, @"torch\.Size\((\[[^\]]*\])\)", "$1"), @" \(Triggered internally at .*\)$", "");

    private static readonly Tensor X31 = Tensor.Randn(3, 1), T3 = Tensor.Randn(3), X3 = Tensor.Randn(3), X234 = Tensor.Randn(2, 3, 4);
    private static readonly Tensor LogP = Tensor.Randn(2, 3).LogSoftmax(1), P = Tensor.Randn(2, 3).Softmax(1);

    public static TheoryData<string> Cases() => new(Expected.Keys.Order());

    private static readonly Dictionary<string, Action> Run = new()
    {
        ["mse_loss_broadcast"] = () => F.MseLoss(X31, T3),
        ["mse_loss_module"] = () => new MseLoss().Call(X31, T3),
        ["mse_loss_same"] = () => F.MseLoss(X3, T3),
        ["mse_loss_target_1"] = () => F.MseLoss(X3, Tensor.Randn(1)),
        ["l1_loss_broadcast"] = () => F.L1Loss(X31, T3),
        ["smooth_l1_loss_broadcast"] = () => F.SmoothL1Loss(X31, T3),
        ["huber_loss_broadcast"] = () => new HuberLoss().Call(X31, T3),
        ["kl_div_mean"] = () => F.KlDiv(LogP, P),
        ["kl_div_module_default"] = () => new KlDivLoss().Call(LogP, P),
        ["kl_div_batchmean"] = () => F.KlDiv(LogP, P, Reduction.BatchMean),
        ["kl_div_sum"] = () => F.KlDiv(LogP, P, Reduction.Sum),
        ["softmax_implicit"] = () => F.Softmax(X234),
        ["softmax_module_implicit"] = () => new Softmax().Call(X234),
        ["softmax_dim"] = () => F.Softmax(X234, 1),
        ["log_softmax_implicit"] = () => F.LogSoftmax(X234),
        ["sigmoid_functional"] = () => F.Sigmoid(X3),
        ["tanh_functional"] = () => F.Tanh(X3),
        ["sigmoid_module"] = () => new Sigmoid().Call(X3),
        ["tanh_module"] = () => new Tanh().Call(X3),
        ["dropout2d_3d"] = () => F.Dropout2d(X234),
        ["dropout2d_2d"] = () => F.Dropout2d(Tensor.Randn(2, 3)),
        ["dropout2d_4d"] = () => F.Dropout2d(Tensor.Randn(1, 2, 3, 4)),
        ["dropout2d_3d_eval"] = () => F.Dropout2d(X234, training: false),
        ["kaiming_uniform_empty"] = () => Init.KaimingUniform_(Tensor.Empty(0, 3)),
        ["lstm_dropout_one_layer"] = () => new LSTM(3, 4, dropout: 0.5),
        ["gru_dropout_two_layers"] = () => new GRU(3, 4, numLayers: 2, dropout: 0.5),
        ["kaiming_normal_empty"] = () => Init.KaimingNormal_(Tensor.Empty(2, 0)),
        ["kaiming_uniform"] = () => Init.KaimingUniform_(Tensor.Empty(2, 3)),
        ["trunc_normal_far_mean"] = () => Init.TruncNormal_(Tensor.Empty(4), mean: 5.0),
        ["trunc_normal"] = () => Init.TruncNormal_(Tensor.Empty(4)),
        ["T_3d"] = () => _ = X234.T,
        ["T_1d"] = () => _ = X3.T,
        ["T_2d"] = () => _ = X31.T,
        ["T_0d"] = () => _ = Tensor.Scalar(1.0f).T,
        ["grad_nonleaf"] = () => { var leaf = Tensor.Randn(3).RequiresGrad_(); _ = (leaf * 2).Grad; },
        ["grad_leaf"] = () => _ = Tensor.Randn(3).RequiresGrad_().Grad,
        ["grad_nonleaf_retained"] = () => { var y = Tensor.Randn(3).RequiresGrad_() * 2; y.RetainGrad(); _ = y.Grad; },
        ["scheduler_before_optimizer"] = () =>
        {
            var opt = new Sgd([new Parameter(Tensor.Randn(2))], lr: 0.1);
            var s = new StepLR(opt, 1);
            s.Step();
            s.Step();
        },
        ["scheduler_after_optimizer"] = () =>
        {
            var opt = new Sgd([new Parameter(Tensor.Randn(2))], lr: 0.1);
            var s = new StepLR(opt, 1);
            opt.Step();
            s.Step();
        },
        ["scheduler_step_epoch"] = () =>
        {
            var opt = new Sgd([new Parameter(Tensor.Randn(2))], lr: 0.1);
            var s = new StepLR(opt, 1);
            opt.Step();
            s.Step(3);
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void WarnsAsPyTorchDoes(string name)
    {
        Assert.True(Run.ContainsKey(name), $"no Ember form of the golden case {name}");
        using var captured = Warnings.Capture();
        Run[name]();
        Assert.Equal(Expected[name], captured.Select(w => (w.Category.ToString(), w.Message)).ToArray());
    }

    [Fact]
    public void EveryEmberFormHasAGoldenCase() => Assert.Empty(Run.Keys.Except(Expected.Keys));

    [Fact]
    public void SuppressSilencesALossWarning()
    {
        using var captured = Warnings.Capture();
        using (Warnings.Suppress()) F.MseLoss(X31, T3);
        Assert.Empty(captured);
        F.MseLoss(X31, T3);
        Assert.Single(captured);
    }

    [Fact]
    public void AnErrorFilterTurnsTheLossWarningIntoAnException()
    {
        // Shapes no other test uses, so this process-wide filter touches only this test's calls.
        Warnings.Filter(WarningAction.Error, @"Using a target size \(\[13\]\)");
        var e = Assert.Throws<WarningException>(() => F.MseLoss(Tensor.Randn(13, 1), Tensor.Randn(13)));
        Assert.Equal(WarningCategory.UserWarning, e.Warning.Category);
        Assert.StartsWith("UserWarning: Using a target size ([13]) that is different to the input size ([13, 1]).", e.Message);
    }
}
