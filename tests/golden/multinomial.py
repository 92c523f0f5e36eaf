"""Golden values for Tensor.Multinomial and Tensor.Exponential_ (tests/Ember.Tests/MultinomialTests.cs).

Each case draws from its own torch.Generator seeded with each of SEEDS, so cases are independent;
"seq" cases run one after another from the default generator after torch.manual_seed. The weights
are written out too, so the C# test samples from exactly these numbers. MultinomialTests.cs mirrors CASES.
"""
import torch

from golden_io import save

SEEDS = [0, 1, 42, 1234, -7]


def weights():
    f32, f64 = torch.float32, torch.float64
    g = torch.Generator().manual_seed(2024)
    w2 = torch.rand(3, 50, generator=g)
    w2[w2 < 0.3] = 0                       # zeros scattered through every row
    wide = torch.rand(2, 1000, generator=g)   # k * 64 <= n: topk takes its partial-sort path
    wide[:, ::3] = 0
    return {
        "w1": torch.tensor([0.1, 2.0, 0.0, 3.5, 1.2, 0.0, 0.7, 4.1], dtype=f32),
        "w1d": torch.tensor([0.1, 2.0, 0.0, 3.5, 1.2, 0.0, 0.7, 4.1], dtype=f64),
        "w2": w2,
        "w2d": w2.to(f64) * 7.5,
        "wide": wide,
        "wt": torch.rand(6, 4, generator=g),   # sampled through .t(): rows of a transposed view
        "one": torch.tensor([0.0, 0.0, 5.0], dtype=f32),
        "sparse": torch.zeros(2, 40).index_fill_(1, torch.tensor([4, 17, 33]), 1.5),
        "sparse_wide": torch.zeros(200, dtype=f64).index_fill_(0, torch.tensor([7, 150]), 0.25),
    }


# (name, weights key, transpose, num_samples, replacement)
CASES = [
    ("w1_n1", "w1", False, 1, False),
    ("w1_n1_repl", "w1", False, 1, True),
    ("w1_n4", "w1", False, 4, False),
    ("w1_n6", "w1", False, 6, False),
    ("w1_n30_repl", "w1", False, 30, True),
    ("w1d_n3", "w1d", False, 3, False),
    ("w1d_n30_repl", "w1d", False, 30, True),
    ("w2_n1", "w2", False, 1, False),
    ("w2_n7", "w2", False, 7, False),
    ("w2_n40_repl", "w2", False, 40, True),
    ("w2d_n1", "w2d", False, 1, False),
    ("w2d_n7", "w2d", False, 7, False),
    ("w2d_n40_repl", "w2d", False, 40, True),
    ("wide_n5", "wide", False, 5, False),
    ("wide_n100", "wide", False, 100, False),
    ("wt_n1", "wt", True, 1, False),
    ("wt_n3", "wt", True, 3, False),
    ("wt_n9_repl", "wt", True, 9, True),
    ("one_n1", "one", False, 1, False),
    ("one_n5_repl", "one", False, 5, True),
]

# Cases whose draw runs out of positive weights without replacement: PyTorch then returns
# zero-weight categories in the order its topk's std::nth_element/std::sort leave them.
TIES = [
    ("w1_n8", "w1", False, 8, False),
    ("one_n3", "one", False, 3, False),
    ("sparse_n40", "sparse", False, 40, False),    # nth_element, then an introsort of 39
    ("sparse_n25", "sparse", False, 25, False),
    ("sparse_wide_n3", "sparse_wide", False, 3, False),   # partial_sort (heap select) through ties
]


def run(cases, w, seed, out):
    for name, key, transpose, n, repl in cases:
        g = torch.Generator().manual_seed(seed)
        x = w[key].t() if transpose else w[key]
        out[f"s{seed}_{name}"] = torch.multinomial(x, n, repl, generator=g)


def main():
    w = weights()
    out = dict(w)
    for s in SEEDS:
        run(CASES, w, s, out)
        run(TIES, w, s, out)
        g = torch.Generator().manual_seed(s)
        out[f"s{s}_exp"] = torch.empty(20).exponential_(1.0, generator=g)
        out[f"s{s}_exp_d"] = torch.empty(20, dtype=torch.float64).exponential_(2.5, generator=g)
        out[f"s{s}_exp_t"] = torch.empty(5, 3).t().exponential_(0.5, generator=g)
        # From the default generator, one call after another.
        torch.manual_seed(s)
        out[f"s{s}_seq1"] = torch.multinomial(w["w2"], 2)
        out[f"s{s}_seq2"] = torch.multinomial(w["w1"], 12, replacement=True)
        out[f"s{s}_seq3"] = torch.rand(3)
    save(__file__.replace(".py", ".json"), out)


if __name__ == "__main__":
    main()
