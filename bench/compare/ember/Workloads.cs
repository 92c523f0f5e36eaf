using Ember;

namespace EmberCompare;

/// <summary>
/// The workloads, each a factory from the size parameter to one iteration. Set-up (weights, inputs)
/// happens in the factory so that only the iteration is timed.
/// </summary>
static partial class Workloads
{
    public static Dictionary<string, Func<int, Action>> All()
    {
        var w = new Dictionary<string, Func<int, Action>>
        {
            ["sgemm"] = Sgemm,
            ["mlp_seed"] = MlpSeed,
        };
        AddLeNet(w);
        AddSequence(w);
        return w;
    }

    /// <summary>Implemented in LeNetWorkloads.cs once Ember has the convolution layers.</summary>
    static partial void AddLeNet(Dictionary<string, Func<int, Action>> workloads);

    /// <summary>Implemented in SequenceWorkloads.cs (the word-level language models of issue 14).</summary>
    static partial void AddSequence(Dictionary<string, Func<int, Action>> workloads);

    /// <summary>C = A B for n x n float32 matrices (a fresh result each call, as torch.mm does).</summary>
    static Action Sgemm(int n)
    {
        var a = Tensor.Randn(n, n);
        var b = Tensor.Randn(n, n);
        return () => a.Mm(b);
    }

    /// <summary>
    /// The chapter's two-layer net (examples/03-autograd.cs): N=64, D_in=1000, H=100, D_out=10, forward,
    /// sum-of-squares loss, autograd backward, manual SGD step under no-grad, gradients zeroed.
    /// The size parameter is N.
    /// </summary>
    static Action MlpSeed(int n)
    {
        const int dIn = 1000, hidden = 100, dOut = 10;
        const float lr = 1e-6f;
        var x = Tensor.Randn(n, dIn);
        var y = Tensor.Randn(n, dOut);
        var w1 = Tensor.Randn(dIn, hidden).RequiresGrad_();
        var w2 = Tensor.Randn(hidden, dOut).RequiresGrad_();
        return () =>
        {
            var loss = (x.Mm(w1).Clamp(min: 0).Mm(w2) - y).Pow(2).Sum();
            loss.Backward();
            using (Autograd.NoGrad())
            {
                w1.Sub_(lr * w1.Grad!);
                w2.Sub_(lr * w2.Grad!);
                w1.Grad!.Zero_();
                w2.Grad!.Zero_();
            }
        };
    }
}
