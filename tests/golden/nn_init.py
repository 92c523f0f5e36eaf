"""Golden values for Ember.NN.Init (tests/Ember.Tests/NN/InitTests.cs) and Tensor.Erfinv: PyTorch 1.13.

Each init case seeds the default generator, fills a fresh tensor ("<case>") and then draws
torch.rand(4) ("<case>.after"), so tests also see that the same number of values was drawn.
"gain.<name>" holds calculate_gain's values; "erfinv.<dtype>.x/y" inputs and torch.erfinv outputs.
Run from tests/golden/: /usr/bin/python3 nn_init.py
"""
import math
import torch
import torch.nn.init as init
from golden_io import save

out = {}

GAINS = [("linear", None), ("conv2d", None), ("sigmoid", None), ("tanh", None), ("relu", None),
         ("leaky_relu", None), ("leaky_relu", 0.2), ("leaky_relu", math.sqrt(5)), ("selu", None)]
for name, param in GAINS:
    key = "gain." + name + ("" if param is None else "." + repr(param))
    out[key] = torch.tensor(float(init.calculate_gain(name, param)), dtype=torch.float64)


def case(name, seed, shape, fn, dtype=torch.float32):
    torch.manual_seed(seed)
    t = torch.empty(shape, dtype=dtype)
    fn(t)
    out[name] = t
    out[name + ".after"] = torch.rand(4)


case("uniform", 0, [3, 4], lambda t: init.uniform_(t, -1.0, 2.0))
case("normal_small", 1, [3, 2], lambda t: init.normal_(t, 1.0, 0.5))
case("normal_vec", 2, [5, 4], lambda t: init.normal_(t, 1.0, 0.5))
case("normal_f64", 3, [5, 4], lambda t: init.normal_(t, -1.0, 2.0), torch.float64)
case("constant", 0, [2, 3], lambda t: init.constant_(t, 0.3))
case("ones", 0, [2, 3], init.ones_)
case("zeros", 0, [2, 3], init.zeros_)
case("eye", 0, [3, 5], init.eye_)
case("eye_tall", 0, [4, 2], init.eye_)
case("dirac3", 0, [4, 2, 3], lambda t: init.dirac_(t, 2))
case("dirac4", 0, [2, 3, 3, 3], init.dirac_)
case("dirac5", 0, [3, 3, 2, 2, 2], init.dirac_)
case("xavier_uniform", 4, [4, 5], lambda t: init.xavier_uniform_(t, gain=2.0))
case("xavier_normal", 5, [6, 3, 2], init.xavier_normal_)
case("kaiming_uniform", 6, [8, 4], init.kaiming_uniform_)
case("kaiming_uniform_conv", 7, [6, 3, 3, 3], lambda t: init.kaiming_uniform_(t, a=0.2, mode="fan_out"))
case("kaiming_uniform_relu", 8, [5, 3], lambda t: init.kaiming_uniform_(t, mode="FAN_IN", nonlinearity="relu"))
case("kaiming_uniform_sqrt5", 9, [7, 6], lambda t: init.kaiming_uniform_(t, a=math.sqrt(5)))
case("kaiming_uniform_f64", 10, [4, 3], init.kaiming_uniform_, torch.float64)
case("kaiming_normal", 11, [5, 7], lambda t: init.kaiming_normal_(t, mode="fan_out", nonlinearity="relu"))
case("kaiming_normal_conv", 12, [4, 2, 3], init.kaiming_normal_)
case("kaiming_uniform_empty", 13, [3, 0], init.kaiming_uniform_)
case("trunc_normal", 14, [20, 10], init.trunc_normal_)
case("trunc_normal_args", 15, [7, 9], lambda t: init.trunc_normal_(t, mean=1.0, std=2.0, a=-1.0, b=4.0))
case("trunc_normal_f64", 16, [6, 5], lambda t: init.trunc_normal_(t, std=0.02, a=-0.04, b=0.04), torch.float64)
case("orthogonal_wide", 17, [4, 6], init.orthogonal_)
case("orthogonal_tall", 18, [6, 4], init.orthogonal_)
case("orthogonal_conv", 19, [3, 2, 2], lambda t: init.orthogonal_(t, gain=2.0))
case("orthogonal_f64", 20, [5, 5], init.orthogonal_, torch.float64)
case("sparse", 21, [6, 5], lambda t: init.sparse_(t, 0.3))
case("sparse_f64", 22, [20, 3], lambda t: init.sparse_(t, 0.5, std=1.0), torch.float64)

torch.manual_seed(23)
for dtype, tag in [(torch.float32, "float32"), (torch.float64, "float64")]:
    x = torch.cat([torch.rand(300, dtype=dtype) * 2 - 1, 1 - torch.rand(50, dtype=dtype) * 1e-3,
                   torch.tensor([0.0, -0.0, 1.0, -1.0, 1.5, -2.0, 0.7, -0.7], dtype=dtype)])
    out["erfinv." + tag + ".x"] = x
    out["erfinv." + tag + ".y"] = torch.erfinv(x)

save("nn_init.json", out)
