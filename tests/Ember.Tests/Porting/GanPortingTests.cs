using Ember.NN;
using Ember.Optim;
using Xunit;

namespace Ember.Tests.Porting;

/// <summary>
/// The structure of pytorch/examples' dcgan/main.py (issue 15's porting test): generator and
/// discriminator as <c>nn.Sequential</c>, <c>weights_init</c> applied over every module with
/// <c>netG.apply(weights_init)</c>, BCELoss with real and fake labels, Adam with betas (0.5, 0.999), and
/// the two-step update. The networks are small MLPs on one-dimensional data (samples of N(4, 1.25²)) so
/// the test runs in a second; it must compile without casts and learn the data's mean.
/// </summary>
[Collection("DefaultGenerator")]   // seeds and draws from the default generator: its result depends on the stream
public class GanPortingTests
{
    private const int Nz = 8;

    // custom weights initialization called on netG and netD
    private static void WeightsInit(Module m)
    {
        if (m is Linear linear)
        {
            Init.Normal_(linear.Weight, 0.0, 0.02);
            Init.Zeros_(linear.Bias);
        }
        else if (m is BatchNorm1d bn)
        {
            Init.Normal_(bn.Weight, 1.0, 0.02);
            Init.Zeros_(bn.Bias);
        }
    }

    [Fact]
    [Trait("Category", "Porting")]
    public void GanWithApplyInitLearnsTheDataMean()
    {
        Tensor.ManualSeed(3);
        var netG = new Sequential(
            new Linear(Nz, 32), new BatchNorm1d(32), new ReLU(),
            new Linear(32, 32), new BatchNorm1d(32), new ReLU(),
            new Linear(32, 1)).Apply(WeightsInit);
        var netD = new Sequential(
            new Linear(1, 32), new LeakyReLU(0.2),
            new Linear(32, 32), new LeakyReLU(0.2),
            new Linear(32, 1), new Sigmoid()).Apply(WeightsInit);

        var criterion = new BceLoss();
        var fixedNoise = Tensor.Randn(256, Nz);
        const float realLabel = 1, fakeLabel = 0;
        var optimizerD = new Adam(netD.Parameters(), lr: 2e-3, betas: (0.5, 0.999));
        var optimizerG = new Adam(netG.Parameters(), lr: 2e-3, betas: (0.5, 0.999));
        double MeanOfFakes() { using var _ = Ember.Autograd.NoGrad(); netG.Eval(); var m = netG.Call(fixedNoise).Mean().ToDouble(); netG.Train(); return m; }
        double before = MeanOfFakes();

        const int batchSize = 64;
        for (int i = 0; i < 400; i++)
        {
            // (1) Update D network: maximize log(D(x)) + log(1 - D(G(z)))
            netD.ZeroGrad();
            var realCpu = Tensor.Randn(batchSize, 1) * 1.25 + 4.0;
            var label = Tensor.Full([batchSize], realLabel);
            var output = netD.Call(realCpu).View(-1);
            var errDReal = criterion.Call(output, label);
            errDReal.Backward();
            var noise = Tensor.Randn(batchSize, Nz);
            var fake = netG.Call(noise);
            label.Fill_(fakeLabel);
            output = netD.Call(fake.Detach()).View(-1);
            var errDFake = criterion.Call(output, label);
            errDFake.Backward();
            optimizerD.Step();

            // (2) Update G network: maximize log(D(G(z)))
            netG.ZeroGrad();
            label.Fill_(realLabel);   // fake labels are real for generator cost
            output = netD.Call(fake).View(-1);
            var errG = criterion.Call(output, label);
            errG.Backward();
            optimizerG.Step();
        }

        double after = MeanOfFakes();
        Assert.True(Math.Abs(before) < 0.5, $"before training the generator's mean is {before}");
        Assert.True(Math.Abs(after - 4.0) < 0.75, $"after training the generator's mean is {after}, the data's is 4");
    }
}
