"""Orders drawn by PyTorch's data utilities from seeded generators: what Ember's DataLoader, samplers
and random_split must reproduce (tests/Ember.Tests/Data/DataOrderGoldenTests.cs)."""
import torch
from torch.utils.data import (DataLoader, RandomSampler, SubsetRandomSampler, WeightedRandomSampler,
                              random_split)
from golden_io import save

out = {}
data = list(range(10))


def epochs(loader, n=2):
    return torch.tensor([i for _ in range(n) for batch in loader for i in batch.tolist()])


# Shuffling from the default generator: torch.manual_seed fixes the order of every epoch.
torch.manual_seed(0)
out["loader_default"] = epochs(DataLoader(data, batch_size=3, shuffle=True))
out["after_loader_default"] = torch.rand(3)   # the default stream after two epochs

# With an explicit generator: the base seed and the permutation both come from it.
g = torch.Generator().manual_seed(5)
torch.manual_seed(0)
out["loader_generator"] = epochs(DataLoader(data, batch_size=4, shuffle=True, generator=g))
out["after_loader_generator"] = torch.rand(3)  # untouched by the loader

torch.manual_seed(1)
out["random_sampler_default"] = torch.tensor(list(RandomSampler(range(7))) + list(RandomSampler(range(7))))
out["random_sampler_replacement"] = torch.tensor(
    list(RandomSampler(range(7), replacement=True, num_samples=40, generator=torch.Generator().manual_seed(3))))
out["random_sampler_more"] = torch.tensor(
    list(RandomSampler(range(5), num_samples=12, generator=torch.Generator().manual_seed(4))))

torch.manual_seed(2)
out["subset_random"] = torch.tensor(list(SubsetRandomSampler([10, 20, 30, 40, 50])))
out["weighted_replacement"] = torch.tensor(
    list(WeightedRandomSampler([0.1, 0.9, 0.4, 0.7, 3.0, 0.6], 25, replacement=True,
                               generator=torch.Generator().manual_seed(7))))
out["weighted_no_replacement"] = torch.tensor(
    list(WeightedRandomSampler([0.1, 0.9, 0.4, 0.7, 3.0, 0.6], 5, replacement=False,
                               generator=torch.Generator().manual_seed(8))))
out["weighted_one"] = torch.tensor(
    list(WeightedRandomSampler([0.1, 0.9, 0.4, 0.7, 3.0, 0.6], 1, generator=torch.Generator().manual_seed(9))))

torch.manual_seed(3)
out["split_default"] = torch.tensor([i for s in random_split(range(10), [3, 7]) for i in s.indices])
out["split_generator"] = torch.tensor(
    [i for s in random_split(range(10), [5, 5], generator=torch.Generator().manual_seed(42)) for i in s.indices])

torch.manual_seed(4)
out["seed_draw"] = torch.empty((), dtype=torch.int64).random_().reshape(1)

save("data_order.json", out)
