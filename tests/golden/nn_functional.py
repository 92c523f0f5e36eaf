"""Expected values for the functional forms (tests/Ember.Tests/NN/NNFunctionalTests.cs): erf over its
whole range, softmax/log_softmax over each dim of larger tensors with extreme values, implicit dims
and dtype conversion."""
import warnings

import torch
import torch.nn.functional as F
from golden_io import save

warnings.simplefilter("ignore")
out = {}
xs = torch.cat([torch.linspace(-7, 7, 281), torch.tensor([0.0, -0.0, 1e-30, -1e-8, 2.9999, 3.0, 3.0001, 5.9, 6.0, 30.0])])
for name, dt in (("f32", torch.float32), ("f64", torch.float64)):
    x = xs.to(dt)
    out[f"erf_{name}_x"] = x
    out[f"erf_{name}_y"] = torch.erf(x)

torch.manual_seed(0)
big = torch.randn(3, 70) * 5
big[0, 3] = 1000.0
big[1, :] = float("-inf")
big[1, 7] = 2.0
big[2, 5] = float("-inf")
t3 = torch.randn(4, 5, 6) * 3
for name, dt in (("f32", torch.float32), ("f64", torch.float64)):
    b = big.to(dt)
    out[f"big_{name}_x"] = b
    out[f"big_{name}_softmax"] = F.softmax(b, 1)
    out[f"big_{name}_log_softmax"] = F.log_softmax(b, 1)
    t = t3.to(dt)
    out[f"t3_{name}_x"] = t
    for d in range(3):
        out[f"t3_{name}_softmax_{d}"] = F.softmax(t, d)
        out[f"t3_{name}_log_softmax_{d}"] = F.log_softmax(t, d)
    out[f"t3_{name}_softmax_implicit"] = F.softmax(t)          # dim 0 for 3-d input
    out[f"t3_{name}_log_softmax_implicit"] = F.log_softmax(t.reshape(4, 30))  # dim 1 for 2-d input
out["t3_f32_softmax_2_as_f64"] = F.softmax(t3, 2, dtype=torch.float64)

# large rows: the multi-threaded path
torch.manual_seed(1)
wide = torch.randn(64, 1000)
# Ember draws the same input from the same seed; only slices of the results are stored.
out["wide_x_head"] = wide[0, :10]
out["wide_softmax_rows"] = F.softmax(wide, 1)[::8]
out["wide_log_softmax_0_cols"] = F.log_softmax(wide, 0)[:, ::50]
save("nn_functional.json", out)
print(len(out))
