"""Golden values for Ember's range factories (tests/Ember.Tests/FactoryTests.cs): arange, linspace,
logspace, eye. FactoryTests.cs rebuilds each case from its name's entry in CASES below."""
import torch

from golden_io import save

f32, f64, i64, i32 = torch.float32, torch.float64, torch.int64, torch.int32

# name -> (function, args, dtype or None)
CASES = {
    "arange_int": ("arange", (10,), None),
    "arange_int_step": ("arange", (-7, 20, 3), None),
    "arange_int_neg": ("arange", (10, -5, -4), None),
    "arange_f": ("arange", (0.0, 1.0, 0.1), None),
    "arange_f_neg": ("arange", (3.3, -1.9, -0.07), None),
    "arange_f_long": ("arange", (-2.5, 400.0, 0.3), None),
    "arange_d": ("arange", (0.0, 1.0, 0.1), f64),
    "arange_d_long": ("arange", (1.0 / 3, 250.0, 1.0 / 7), f64),
    "arange_f_5k": ("arange", (0.3, 700.0, 0.13), None),
    "arange_d_3k": ("arange", (-11.1, 300.0, 0.1), f64),
    "arange_i_to_f": ("arange", (1, 37, 2), f32),
    "arange_f_to_i": ("arange", (0.5, 9.7, 1.5), i64),
    "arange_i32": ("arange", (0, 100, 7), i32),
    "arange_empty": ("arange", (5, 5, 1), None),
    "linspace_f": ("linspace", (0.0, 1.0, 7), None),
    "linspace_f100": ("linspace", (-3.7, 11.3, 100), None),
    "linspace_f1000": ("linspace", (0.1, 0.9, 1000), None),
    "linspace_f17": ("linspace", (2.0, -5.0, 17), None),
    "linspace_d": ("linspace", (-3.7, 11.3, 100), f64),
    "linspace_d33": ("linspace", (1.0 / 3, 2.0 / 3, 33), f64),
    "linspace_i": ("linspace", (0, 100, 23), i64),
    "linspace_i_neg": ("linspace", (-7, 50, 40), i64),
    "linspace_i32": ("linspace", (3, -90, 19), i32),
    "linspace_one": ("linspace", (2.5, 9.0, 1), None),
    "linspace_zero": ("linspace", (2.5, 9.0, 0), None),
    "linspace_int_args": ("linspace", (0, 10, 5), None),
    "logspace_f": ("logspace", (-2.0, 3.0, 11), None),
    "logspace_d": ("logspace", (-1.3, 2.9, 37), f64),
    "logspace_i": ("logspace", (0, 4, 5), i64),
    "logspace_one": ("logspace", (2.0, 5.0, 1), None),
    "eye3": ("eye", (3,), None),
    "eye2x4": ("eye", (2, 4), None),
    "eye4x2_d": ("eye", (4, 2), f64),
    "eye0": ("eye", (0,), None),
    "eye3_i": ("eye", (3,), i64),
}


def main():
    out = {}
    for name, (fn, args, dtype) in CASES.items():
        kw = {} if dtype is None else {"dtype": dtype}
        out[name] = getattr(torch, fn)(*args, **kw)
    save("factories.json", out)


if __name__ == "__main__":
    main()
