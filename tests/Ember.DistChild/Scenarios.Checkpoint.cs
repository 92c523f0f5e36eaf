using Ember;
using Ember.Data;
using Ember.Distributed;
using Ember.NN;
using Ember.Optim;
using Ember.Rng;

namespace DistChild;

internal static partial class Scenarios
{
    /// <summary>
    /// checkpoint PATH: a DDP run with dropout (so each rank's random stream matters) over two epochs of a
    /// DistributedSampler saves a DistributedCheckpoint in the middle of the second epoch and goes on to the
    /// end; a second run loads the checkpoint into fresh objects and finishes from there. Both must end with
    /// the same weights, bit for bit, and every rank with the same generator state.
    /// </summary>
    private static int CheckpointResume(string[] args)
    {
        string path = args[0];
        var data = new TensorDataset(Tensor.Randn([40, 8], new Generator(5)), Tensor.RandInt(0, 3, [40], new Generator(6)));
        const int batch = 4, epochs = 2;

        (float[] Weights, byte[] Rng, int Steps) Run(bool resume)
        {
            Tensor.ManualSeed(0);
            var model = new Sequential(new Linear(8, 16), new ReLU(), new Dropout(0.5), new Linear(16, 3));
            var ddp = DistributedDataParallel.Wrap(model);
            var opt = new Sgd(ddp.Parameters(), lr: 0.1, momentum: 0.9);
            var sampler = new DistributedSampler(data.Count, seed: 3);
            // The loader's own generator: its per-epoch seed draw must not come from the default generator,
            // whose state the checkpoint restores to a point after that draw.
            var loader = DataLoader.Create(data, batchSize: batch, sampler: sampler, generator: new Generator(0));
            var lossFn = new CrossEntropyLoss();
            int start = 0, steps = 0;
            if (resume)
            {
                DistributedCheckpoint.Load(path, ddp, opt, sampler: sampler);
                start = (int)sampler.Epoch;
                Expect(sampler.Skip == 2 * batch && sampler.Count == sampler.NumSamples - 2 * batch, "the sampler resumes two batches into its epoch");
            }
            else Tensor.ManualSeed(100 + Rank);   // a different dropout stream on each rank
            for (int epoch = start; epoch < epochs; epoch++)
            {
                if (!(resume && epoch == start)) sampler.SetEpoch(epoch);
                int done = sampler.Skip;
                foreach (var b in loader)
                {
                    var (x, y) = (b[0], b[1]);
                    opt.ZeroGrad();
                    lossFn.Call(ddp.Call(x), y).Backward();
                    opt.Step();
                    done += batch;
                    steps++;
                    if (!resume && epoch == 1 && done == 2 * batch)
                        DistributedCheckpoint.Save(path, ddp, opt, sampler: sampler, samplesDone: done);
                }
            }
            var w = Tensor.Cat(model.Parameters().Select(p => p.Detach().Reshape(-1)).ToArray()).ToArray<float>();
            return (w, Generator.Default.GetState(), steps);
        }

        var whole = Run(resume: false);
        var resumed = Run(resume: true);
        int perEpoch = ((data.Count + N - 1) / N + batch - 1) / batch;   // no drop_last: ceil(ceil(40 / N) / 4)
        Expect(whole.Steps == epochs * perEpoch && resumed.Steps == perEpoch - 2, $"steps: {whole.Steps} whole, {resumed.Steps} resumed");
        Expect(whole.Weights.SequenceEqual(resumed.Weights), "the resumed run ends with the same weights, bit for bit");
        Expect(whole.Rng.SequenceEqual(resumed.Rng), "every rank's generator ends in the same state");
        return _checks;
    }
}
