"""Index orders of PyTorch's DistributedSampler (torch.utils.data.distributed): what Ember.Distributed's
DistributedSampler must reproduce for the same seed and epoch (tests/Ember.Tests/Distributed/DistributedSamplerTests.cs).
Each case is named n{N}_r{replicas}_k{rank}_{shuffle|seq}_s{seed}_e{epoch}_{drop|pad}."""
import torch
from torch.utils.data.distributed import DistributedSampler
from golden_io import save

out = {}
cases = []
for n in (10, 11, 7, 3, 1):
    for replicas in (1, 2, 3, 4):
        for shuffle in (True, False):
            for drop_last in (False, True):
                for seed, epoch in ((0, 0), (0, 1), (42, 3)):
                    if not shuffle and (seed, epoch) != (0, 0):
                        continue
                    for rank in range(replicas):
                        s = DistributedSampler(range(n), num_replicas=replicas, rank=rank, shuffle=shuffle,
                                               seed=seed, drop_last=drop_last)
                        s.set_epoch(epoch)
                        name = f"n{n}_r{replicas}_k{rank}_{'shuffle' if shuffle else 'seq'}_s{seed}_e{epoch}_{'drop' if drop_last else 'pad'}"
                        out[name] = torch.tensor(list(s), dtype=torch.int64)
                        cases.append(name)
save("distributed_sampler.json", out, meta={"cases": cases})
