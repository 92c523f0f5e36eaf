using Ember.Data;
using Ember.NN;
using Ember.Optim;
using Xunit;

namespace Ember.Tests.Porting;

/// <summary>
/// pytorch/examples' vae/main.py ported line by line (issue 15's porting test): the same VAE, loss
/// function and training loop, on a small synthetic binary-image set instead of MNIST so the test
/// runs offline in a few seconds. It must compile without casts and learn.
/// </summary>
[Collection("DefaultGenerator")]   // seeds and draws from the default generator: its result depends on the stream
public class VaePortingTests
{
    // class VAE(nn.Module)
    private sealed class VAE : Module<Tensor, (Tensor Recon, Tensor Mu, Tensor LogVar)>
    {
        public Linear Fc1 { get; } = new(784, 400);
        public Linear Fc21 { get; } = new(400, 20);
        public Linear Fc22 { get; } = new(400, 20);
        public Linear Fc3 { get; } = new(20, 400);
        public Linear Fc4 { get; } = new(400, 784);

        public (Tensor, Tensor) Encode(Tensor x)
        {
            var h1 = F.Relu(Fc1.Call(x));
            return (Fc21.Call(h1), Fc22.Call(h1));
        }

        public static Tensor Reparameterize(Tensor mu, Tensor logvar)
        {
            var std = Tensor.Exp(0.5 * logvar);
            var eps = Tensor.RandnLike(std);
            return mu + eps * std;
        }

        public Tensor Decode(Tensor z)
        {
            var h3 = F.Relu(Fc3.Call(z));
            return Tensor.Sigmoid(Fc4.Call(h3));
        }

        public override (Tensor Recon, Tensor Mu, Tensor LogVar) Forward(Tensor x)
        {
            var (mu, logvar) = Encode(x.View(-1, 784));
            var z = Reparameterize(mu, logvar);
            return (Decode(z), mu, logvar);
        }
    }

    // Reconstruction + KL divergence losses summed over all elements and batch
    private static Tensor LossFunction(Tensor reconX, Tensor x, Tensor mu, Tensor logvar)
    {
        var bce = F.BinaryCrossEntropy(reconX, x.View(-1, 784), reduction: Reduction.Sum);
        var kld = -0.5 * Tensor.Sum(1 + logvar - mu.Pow(2) - logvar.Exp());
        return bce + kld;
    }

    [Fact]
    [Trait("Category", "Porting")]
    public void VaeFromPyTorchExamplesLearns()
    {
        Tensor.ManualSeed(1);
        // Four binary 28x28 prototypes; each sample flips 5 % of one prototype's pixels.
        var prototypes = Tensor.Rand(4, 784).Lt(0.5).Float();
        var which = Tensor.RandInt(0, 4, [256]);
        var flips = Tensor.Rand(256, 784).Lt(0.05).Float();
        var images = (prototypes.IndexSelect(0, which) - flips).Abs().View(256, 1, 28, 28);
        var trainLoader = DataLoader.Create(new TensorDataset(images), batchSize: 32, shuffle: true);

        var model = new VAE();
        var optimizer = new Adam(model.Parameters(), lr: 1e-3);
        var epochLoss = new List<double>();
        for (int epoch = 1; epoch <= 4; epoch++)
        {
            // def train(epoch):
            model.Train();
            double trainLoss = 0;
            foreach (var batch in trainLoader)
            {
                var data = batch[0];
                optimizer.ZeroGrad();
                var (reconBatch, mu, logvar) = model.Call(data);
                var loss = LossFunction(reconBatch, data, mu, logvar);
                loss.Backward();
                trainLoss += loss.Item<double>();
                optimizer.Step();
            }
            epochLoss.Add(trainLoss / images.Size(0));   // '====> Epoch: {} Average loss: {:.4f}'
        }
        // An untrained decoder scores about 784 · ln 2 ≈ 543 nats per image; the prototypes carry
        // about 2 bits of information and the noise about 784 · H(0.05) ≈ 156 nats.
        Assert.True(epochLoss[0] > epochLoss[^1] * 1.5, string.Join(", ", epochLoss));
        Assert.True(epochLoss[^1] < 300, string.Join(", ", epochLoss));

        // The sample step of the example: decode 64 draws from the prior.
        using (Ember.Autograd.NoGrad())
        {
            model.Eval();
            var sample = model.Decode(Tensor.Randn(64, 20));
            Assert.Equal([64, 784], sample.Shape.ToArray());
            Assert.True(sample.Min().ToDouble() >= 0 && sample.Max().ToDouble() <= 1);
        }
    }
}
