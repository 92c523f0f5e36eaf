using Ember.Optim;
using Ember.Serialization;
using Xunit;

namespace Ember.Tests.Optim;

/// <summary>LBFGS's contract beyond the trajectories: one group, a closure, state dicts that resume exactly.</summary>
public class LbfgsBehaviourTests
{
    private static readonly Golden G = Golden.Load("optim_lbfgs");

    private static (Tensor W, Tensor B, Func<LBFGS, Func<Tensor>> Closure) LeastSquares()
    {
        var x = G["ls.x"];
        var y = G["ls.y"];
        var w = G["ls_fixed.init.w"].Clone().RequiresGrad_();
        var b = G["ls_fixed.init.b"].Clone().RequiresGrad_();
        return (w, b, opt => () =>
        {
            opt.ZeroGrad();
            var r = x.MatMul(w) + b - y;
            var loss = (r * r).Mean();
            loss.Backward();
            return loss;
        });
    }

    [Fact]
    public void LbfgsRefusesSeveralParameterGroups()
    {
        var a = Tensor.Zeros([2]).RequiresGrad_();
        var b = Tensor.Zeros([2]).RequiresGrad_();
        var e = Assert.Throws<ArgumentException>(() => new LBFGS([new ParamGroup([a]), new ParamGroup([b])]));
        Assert.Equal("LBFGS doesn't support per-parameter options (parameter groups)", e.Message);
        Assert.Equal("only 'strong_wolfe' is supported", Assert.Throws<ArgumentException>(() => new LBFGS([a], lineSearchFn: "backtracking")).Message);
    }

    [Fact]
    public void LbfgsNeedsAClosure()
    {
        var a = Tensor.Zeros([2]).RequiresGrad_();
        var opt = new LBFGS([a]);
        var e = Assert.Throws<InvalidOperationException>(() => opt.Step());
        Assert.Contains("call Step(closure)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LbfgsClosureRunsWithGradEnabledAndTheStepLeavesNoGraph()
    {
        var (w, b, make) = LeastSquares();
        var opt = new LBFGS([w, b], lr: 0.5, maxIter: 6, historySize: 3);
        var inner = make(opt);
        bool? enabled = null;
        using (Ember.Autograd.NoGrad())
            opt.Step(() => { enabled ??= Ember.Autograd.IsGradEnabled; return inner(); });
        Assert.True(enabled);
        Assert.True(w.IsLeaf);
        Assert.Null(w.GradFn);
    }

    [Fact]
    public void LbfgsDefaultsArePyTorchs()
    {
        var opt = new LBFGS([Tensor.Zeros([2]).RequiresGrad_()]);
        var g = opt.ParamGroups[0];
        Assert.Equal(1.0, g.Lr);
        Assert.Equal(20L, g["max_iter"]);
        Assert.Equal(25L, g["max_eval"]);
        Assert.Equal(1e-7, g["tolerance_grad"]);
        Assert.Equal(1e-9, g["tolerance_change"]);
        Assert.Equal(100L, g["history_size"]);
        Assert.Null(g.Options["line_search_fn"]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void LbfgsResumedFromItsStateDictContinuesExactly(bool throughAFile)
    {
        // ls_fixed takes 3 steps with history_size 3; the state is saved after the first.
        var (w, b, make) = LeastSquares();
        var opt = new LBFGS([w, b], lr: 0.5, maxIter: 6, historySize: 3);
        opt.Step(make(opt));
        var saved = opt.StateDict();
        if (throughAFile)
        {
            string path = Path.Combine(Path.GetTempPath(), $"ember-lbfgs-{Guid.NewGuid():N}.pt");
            try { TorchFile.Save(saved, path); saved = TorchFile.LoadOptimizerStateDict(path); }
            finally { File.Delete(path); }
        }
        var w2 = w.Detach().Clone().RequiresGrad_();
        var b2 = b.Detach().Clone().RequiresGrad_();
        var x = G["ls.x"];
        var y = G["ls.y"];
        var opt2 = new LBFGS([w2, b2], lr: 0.5, maxIter: 6, historySize: 3);
        opt2.LoadStateDict(saved);
        // The saved dict is a copy: stepping the first optimizer leaves it alone.
        var dBefore = ((Tensor)saved.State[0]["d"]).Clone();
        for (int s = 1; s < 3; s++)
        {
            opt.Step(make(opt));
            opt2.Step(() =>
            {
                opt2.ZeroGrad();
                var r = x.MatMul(w2) + b2 - y;
                var loss = (r * r).Mean();
                loss.Backward();
                return loss;
            });
            TensorAssert.Equal(w.Detach(), w2.Detach());
            TensorAssert.Equal(b.Detach(), b2.Detach());
        }
        TensorAssert.Equal(dBefore, (Tensor)saved.State[0]["d"]);
        TensorAssert.Close(G["ls_fixed.after2.w"], w2.Detach(), 1e-10, 1e-12);
    }
}
