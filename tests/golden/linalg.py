"""Golden values for matmul, mm, bmm, mv, dot and outer (tests/Ember.Tests/MatMulTests.cs).

Inputs are stored contiguously; the tests build transposed/permuted views of them. A name ending in
"_t" holds the transpose of the operand the op used (the test permutes it back), so the expected
result exercises Ember on a non-contiguous layout.
"""
import torch

from golden_io import save

torch.manual_seed(1234)
out = {}


def put(name, a, b, r):
    out[name + ".a"] = a
    out[name + ".b"] = b
    out[name + ".out"] = r


for dt, tag in ((torch.float32, "f32"), (torch.float64, "f64")):
    def rn(*s):
        return torch.randn(*s, dtype=dt)

    a, b = rn(7), rn(7)
    put(f"dot_{tag}", a, b, torch.matmul(a, b))
    a, b = rn(5, 7), rn(7)
    put(f"mv_{tag}", a, b, torch.matmul(a, b))
    a, b = rn(7), rn(7, 5)
    put(f"vecmat_{tag}", a, b, torch.matmul(a, b))
    # Sizes around the micro-kernel's register tile (6 x 8/16) and the K block (256).
    for (m, k, n) in [(1, 1, 1), (1, 7, 17), (7, 1, 5), (6, 16, 8), (7, 17, 33), (13, 5, 65),
                      (65, 20, 7), (130, 11, 9), (9, 130, 17), (5, 300, 6), (9, 20, 130)]:
        a, b = rn(m, k), rn(k, n)
        put(f"mm_{m}x{k}x{n}_{tag}", a, b, torch.matmul(a, b))
    # Transposed operands: stored as [K, M] and [N, K].
    at, bt = rn(17, 13), rn(33, 17)
    put(f"mm_tt_{tag}", at, bt, torch.matmul(at.t(), bt.t()))
    # Batched, with and without broadcasting of the batch dims, and 1-D operands in batched matmul.
    for name, sa, sb in [("b_same", (2, 3, 4, 5), (2, 3, 5, 6)), ("b_bcast", (3, 1, 4, 5), (2, 5, 6)),
                         ("b_mat_batch", (4, 5), (2, 5, 6)), ("b_batch_vec", (2, 4, 5), (5,)),
                         ("b_vec_batch", (5,), (3, 1, 5, 2)), ("b_big", (2, 19, 37), (2, 37, 23))]:
        a, b = rn(*sa), rn(*sb)
        put(f"{name}_{tag}", a, b, torch.matmul(a, b))
    # Batched with a permuted operand: stored [B, K, M], used as [B, M, K].
    at, b = rn(2, 9, 7), rn(2, 9, 11)
    put(f"b_perm_{tag}", at, b, torch.matmul(at.transpose(1, 2), b))
    a, b = rn(3, 4, 5), rn(3, 5, 6)
    put(f"bmm_{tag}", a, b, torch.bmm(a, b))
    a, b = rn(4), rn(3)
    put(f"outer_{tag}", a, b, torch.outer(a, b))

a, b = torch.randn(4), torch.randn(3, dtype=torch.float64)
put("outer_mixed", a, b, torch.outer(a, b))
for dt, tag in ((torch.int64, "i64"), (torch.int32, "i32"), (torch.uint8, "u8")):
    a, b = torch.randint(0, 9, (3, 4), dtype=dt), torch.randint(0, 9, (2, 4, 5), dtype=dt)
    put(f"int_{tag}", a, b, torch.matmul(a, b))
a, b = torch.randint(-9, 9, (6,)), torch.randint(-9, 9, (6,))
put("dot_i64", a, b, torch.dot(a, b))

save("linalg.json", out)
