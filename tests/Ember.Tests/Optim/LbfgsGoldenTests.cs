using Ember.NN;
using Ember.Optim;
using Xunit;

namespace Ember.Tests.Optim;

/// <summary>LBFGS against PyTorch's trajectories (tests/golden/optim_lbfgs.py): every closure evaluation's loss and the parameters after each step.</summary>
public class LbfgsGoldenTests
{
    private static readonly Golden G = Golden.Load("optim_lbfgs");

    /// <summary>PyTorch's time_sequence_prediction model, scaled down: an LSTMCell and a Linear read out at every step.</summary>
    private sealed class Seq : Module<Tensor, Tensor>
    {
        public Seq(DType dtype)
        {
            Lstm1 = new LSTMCell(1, 8, dtype: dtype);
            Linear = new Linear(8, 1, dtype: dtype);
        }

        public LSTMCell Lstm1 { get; }
        public Linear Linear { get; }

        public override Tensor Forward(Tensor x)
        {
            var h = Tensor.Zeros([x.Shape[0], 8], x.DType);
            var c = Tensor.Zeros([x.Shape[0], 8], x.DType);
            var outs = new List<Tensor>();
            for (int i = 0; i < x.Shape[1]; i++)
            {
                (h, c) = Lstm1.Forward(x[.., i..(i + 1)], (h, c));
                outs.Add(Linear.Forward(h));
            }
            return Tensor.Cat(outs, 1);
        }
    }

    // Runs `steps` steps from the golden initial parameters, checking every loss and the parameters after each step.
    private static LBFGS Run(string name, IReadOnlyList<(string Name, Tensor P)> ps, Func<Tensor> lossFn, int steps,
        Func<IEnumerable<Tensor>, LBFGS> make, double rtol, double atol)
    {
        using (Ember.Autograd.NoGrad())
            foreach (var (n, p) in ps) p.Copy_(G[$"{name}.init.{n}"]);
        var opt = make(ps.Select(p => p.P));
        var losses = new List<double>();
        var stepLosses = new List<double>();
        Tensor Closure()
        {
            opt.ZeroGrad();
            var loss = lossFn();
            loss.Backward();
            losses.Add(loss.Item<double>());
            return loss;
        }
        for (int s = 0; s < steps; s++)
        {
            stepLosses.Add(opt.Step(Closure).Item<double>());
            foreach (var (n, p) in ps) TensorAssert.Close(G[$"{name}.after{s}.{n}"], p.Detach(), rtol, atol);
        }
        TensorAssert.Close(G[$"{name}.losses"], Tensor.From(losses.ToArray()), rtol, atol);
        TensorAssert.Close(G[$"{name}.step_losses"], Tensor.From(stepLosses.ToArray()), rtol, atol);
        var state = opt.State[ps[0].P];
        Assert.Equal(G[$"{name}.func_evals"].Item<long>(), (long)state["func_evals"]);
        Assert.Equal(G[$"{name}.n_iter"].Item<long>(), (long)state["n_iter"]);
        return opt;
    }

    [Theory]
    [InlineData("ls_fixed")]
    [InlineData("ls_wolfe")]
    public void LbfgsLeastSquaresFollowsPyTorch(string name)
    {
        var x = G["ls.x"];
        var y = G["ls.y"];
        var w = Tensor.Zeros([5, 3], DType.Float64).RequiresGrad_();
        var b = Tensor.Zeros([3], DType.Float64).RequiresGrad_();
        Run(name, [("w", w), ("b", b)], () => { var r = x.MatMul(w) + b - y; return (r * r).Mean(); }, 3,
            ps => name == "ls_fixed"
                ? new LBFGS(ps, lr: 0.5, maxIter: 6, historySize: 3)
                : new LBFGS(ps, maxIter: 6, historySize: 3, lineSearchFn: "strong_wolfe"),
            1e-10, 1e-12);
    }

    // Rosenbrock's valley is ill-conditioned: nudging PyTorch's own start by 4e-16 (relative) moves its
    // parameters after the second step by 1e-8, so the tolerance here is 1e-8 rather than 1e-10.
    [Fact]
    public void LbfgsStrongWolfeOnRosenbrockFollowsPyTorch()
    {
        var xy = Tensor.Zeros([2], DType.Float64).RequiresGrad_();
        Run("rosenbrock_wolfe", [("xy", xy)], () =>
        {
            var a = 1 - xy[0];
            var c = xy[1] - xy[0].Pow(2);
            return a.Pow(2) + 100 * c.Pow(2);
        }, 3, ps => new LBFGS(ps, maxIter: 10, historySize: 4, lineSearchFn: "strong_wolfe"), 1e-8, 1e-12);
    }

    [Theory]
    [InlineData("lstm_fixed")]
    [InlineData("lstm_wolfe")]
    public void LbfgsTrainsTheSineLstmLikePyTorch(string name)
    {
        bool f32 = name == "lstm_fixed";
        var dt = f32 ? DType.Float32 : DType.Float64;
        var wave = G["seq.wave"].To(dt);
        var input = wave[.., ..^1];
        var target = wave[.., 1..];
        var model = new Seq(dt);
        var ps = model.NamedParameters().Select(p => (p.Name, (Tensor)p.Parameter)).ToList();
        Run(name, ps, () => { var d = model.Forward(input) - target; return (d * d).Mean(); }, 3,
            p => f32 ? new LBFGS(p, lr: 0.8, maxIter: 4) : new LBFGS(p, maxIter: 8, lineSearchFn: "strong_wolfe"),
            f32 ? 1e-5 : 1e-10, f32 ? 1e-6 : 1e-12);
    }
}
