using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TorchSharpCompare;

/// <summary>The comparison workloads written with TorchSharp, each a factory from the size to one iteration.</summary>
static class Workloads
{
    public static Action Sgemm(int n)
    {
        var a = torch.randn(n, n);
        var b = torch.randn(n, n);
        return () =>
        {
            using var scope = torch.NewDisposeScope();
            a.mm(b);
        };
    }

    /// <summary>The chapter's two-layer net: N=64, D_in=1000, H=100, D_out=10, autograd, manual SGD step.</summary>
    public static Action MlpSeed(int n)
    {
        const int dIn = 1000, hidden = 100, dOut = 10;
        const double lr = 1e-6;
        var x = torch.randn(n, dIn);
        var y = torch.randn(n, dOut);
        var w1 = torch.randn(dIn, hidden).requires_grad_();
        var w2 = torch.randn(hidden, dOut).requires_grad_();
        return () =>
        {
            using var scope = torch.NewDisposeScope();
            var loss = (x.mm(w1).clamp(min: 0).mm(w2) - y).pow(2).sum();
            loss.backward();
            using (torch.no_grad())
            {
                w1.sub_(lr * w1.grad!);
                w2.sub_(lr * w2.grad!);
                w1.grad!.zero_();
                w2.grad!.zero_();
            }
        };
    }

    public static Action LeNetStep(int batch)
    {
        var net = new LeNet();
        var opt = torch.optim.SGD(net.parameters(), 0.001, momentum: 0.9);
        var lossFn = nn.CrossEntropyLoss();
        var x = torch.randn(batch, 3, 32, 32);
        var y = torch.arange(batch, dtype: ScalarType.Int64) % 10;
        return () =>
        {
            using var scope = torch.NewDisposeScope();
            opt.zero_grad();
            var loss = lossFn.call(net.call(x), y);
            loss.backward();
            opt.step();
        };
    }

    public static Action LeNetInfer(int batch)
    {
        var net = new LeNet();
        var x = torch.randn(batch, 3, 32, 32);
        return () =>
        {
            using var scope = torch.NewDisposeScope();
            using (torch.no_grad()) net.call(x);
        };
    }
}

/// <summary>The chapter's CIFAR-10 LeNet (PyTorch's 60-minute blitz network).</summary>
sealed class LeNet : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv1 = nn.Conv2d(3, 6, 5);
    private readonly MaxPool2d pool = nn.MaxPool2d(2, 2);
    private readonly Conv2d conv2 = nn.Conv2d(6, 16, 5);
    private readonly Linear fc1 = nn.Linear(16 * 5 * 5, 120);
    private readonly Linear fc2 = nn.Linear(120, 84);
    private readonly Linear fc3 = nn.Linear(84, 10);

    public LeNet() : base("Net") => RegisterComponents();

    public override Tensor forward(Tensor x)
    {
        x = pool.call(nn.functional.relu(conv1.call(x)));
        x = pool.call(nn.functional.relu(conv2.call(x)));
        x = x.flatten(1);
        x = nn.functional.relu(fc1.call(x));
        x = nn.functional.relu(fc2.call(x));
        return fc3.call(x);
    }
}
