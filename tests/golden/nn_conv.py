"""Expected values for convolution, pooling, upsampling and padding (tests/Ember.Tests/NN/ConvTests.cs,
PoolingTests.cs): forward outputs and input/weight/bias gradients for every layer and option, the
seeded initial weights of Conv1d/Conv2d/ConvTranspose2d, and the modules' printed form.

Each case NAME stores its inputs (NAME_x, NAME_w, NAME_b), the output NAME_y, an output gradient
NAME_gy and the gradients NAME_gx, NAME_gw, NAME_gb of sum(y * gy). Shapes are small to keep the file light.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F
from golden_io import save

out = {}
reprs = {}
gen = torch.Generator().manual_seed(1234)


def rnd(*shape, dtype=torch.float64):
    return torch.randn(*shape, generator=gen, dtype=torch.float64).to(dtype)


def case(name, fn, x, w=None, b=None, int_outputs=False):
    """Runs fn(x, w, b), stores inputs, output, and the gradients of sum(y * gy)."""
    tensors = {"x": x, "w": w, "b": b}
    for k, t in tensors.items():
        if t is not None:
            out[f"{name}_{k}"] = t.clone()
            t.requires_grad_(True)
    y = fn(x, w, b)
    idx = None
    if isinstance(y, tuple):
        y, idx = y
    out[f"{name}_y"] = y.detach()
    if idx is not None:
        out[f"{name}_idx"] = idx
    gy = rnd(*y.shape, dtype=y.dtype)
    out[f"{name}_gy"] = gy
    (y * gy).sum().backward()
    for k, t in tensors.items():
        if t is not None:
            out[f"{name}_g{k}"] = t.grad


# ---- convolution
case("conv2d_basic", lambda x, w, b: F.conv2d(x, w, b), rnd(2, 3, 6, 6), rnd(4, 3, 3, 3), rnd(4))
case("conv2d_stride_pad", lambda x, w, b: F.conv2d(x, w, b, stride=2, padding=(1, 2)), rnd(2, 2, 7, 6), rnd(3, 2, 3, 2), rnd(3))
case("conv2d_dilation_groups", lambda x, w, b: F.conv2d(x, w, b, stride=(1, 2), dilation=(2, 1), groups=2), rnd(1, 4, 7, 7), rnd(6, 2, 2, 3), rnd(6))
case("conv2d_same_even", lambda x, w, b: F.conv2d(x, w, b, padding="same"), rnd(2, 2, 5, 4), rnd(3, 2, 2, 4), rnd(3))
case("conv2d_same_dilated", lambda x, w, b: F.conv2d(x, w, None, padding="same", dilation=2), rnd(1, 2, 5, 5), rnd(2, 2, 3, 2))
case("conv2d_valid_nobias", lambda x, w, b: F.conv2d(x, w, padding="valid"), rnd(2, 3, 5, 5), rnd(2, 3, 2, 2))
case("conv2d_unbatched", lambda x, w, b: F.conv2d(x, w, b, padding=1), rnd(3, 4, 4), rnd(2, 3, 3, 3), rnd(2))
case("conv2d_pointwise", lambda x, w, b: F.conv2d(x, w, b, groups=2), rnd(2, 4, 3, 3), rnd(6, 2, 1, 1), rnd(6))
case("conv2d_float32", lambda x, w, b: F.conv2d(x, w, b, stride=2, padding=1), rnd(2, 3, 8, 8, dtype=torch.float32), rnd(4, 3, 3, 3, dtype=torch.float32), rnd(4, dtype=torch.float32))
case("conv1d_basic", lambda x, w, b: F.conv1d(x, w, b), rnd(2, 3, 8), rnd(4, 3, 3), rnd(4))
case("conv1d_options", lambda x, w, b: F.conv1d(x, w, b, stride=2, padding=2, dilation=2, groups=2), rnd(2, 4, 11), rnd(4, 2, 3), rnd(4))
case("conv1d_same_unbatched", lambda x, w, b: F.conv1d(x, w, None, padding="same"), rnd(2, 7), rnd(3, 2, 4))
case("convt2d_basic", lambda x, w, b: F.conv_transpose2d(x, w, b), rnd(2, 3, 4, 4), rnd(3, 2, 3, 3), rnd(2))
case("convt2d_stride_pad_outpad", lambda x, w, b: F.conv_transpose2d(x, w, b, stride=2, padding=1, output_padding=1), rnd(1, 2, 3, 4), rnd(2, 3, 3, 3), rnd(3))
case("convt2d_groups_dilation", lambda x, w, b: F.conv_transpose2d(x, w, b, stride=(2, 1), padding=(0, 1), output_padding=(1, 0), groups=2, dilation=(1, 2)), rnd(2, 4, 3, 3), rnd(4, 2, 2, 3), rnd(4))
case("convt2d_unbatched", lambda x, w, b: F.conv_transpose2d(x, w, None, stride=3), rnd(2, 2, 3), rnd(2, 2, 2, 2))
case("convt1d_basic", lambda x, w, b: F.conv_transpose1d(x, w, b, stride=2, padding=1, output_padding=1), rnd(2, 3, 5), rnd(3, 2, 3), rnd(2))

# ---- modules with padding modes other than zeros (pad first, then convolve)
for mode in ["reflect", "replicate", "circular"]:
    torch.manual_seed(7)
    m = nn.Conv2d(2, 3, 3, padding=(1, 2), padding_mode=mode).double()
    case(f"conv2d_mode_{mode}", lambda x, w, b: m(x), rnd(2, 2, 4, 5))
    out[f"conv2d_mode_{mode}_weight"] = m.weight.detach()
    out[f"conv2d_mode_{mode}_bias"] = m.bias.detach()
    out[f"conv2d_mode_{mode}_gweight"] = m.weight.grad
    out[f"conv2d_mode_{mode}_gbias"] = m.bias.grad

# ---- seeded initial weights
for seed, (cls, args, kw) in enumerate([
        (nn.Conv2d, (3, 6, 5), {}),
        (nn.Conv2d, (4, 6, (3, 2)), {"groups": 2}),
        (nn.Conv1d, (3, 5, 3), {}),
        (nn.ConvTranspose2d, (4, 6, 3), {"groups": 2}),
        (nn.ConvTranspose2d, (3, 2, (2, 3)), {"stride": 2}),
        (nn.Conv2d, (2, 3, 3), {"bias": False}),
]):
    torch.manual_seed(seed)
    m = cls(*args, **kw)
    out[f"init_{seed}_weight"] = m.weight.detach()
    if m.bias is not None:
        out[f"init_{seed}_bias"] = m.bias.detach()

# ---- pooling
case("maxpool2d_basic", lambda x, w, b: F.max_pool2d(x, 2, return_indices=True), rnd(2, 3, 6, 6))
case("maxpool2d_options", lambda x, w, b: F.max_pool2d(x, (3, 2), stride=(2, 1), padding=1, dilation=(1, 2), return_indices=True), rnd(2, 2, 7, 8))
case("maxpool2d_ceil", lambda x, w, b: F.max_pool2d(x, 3, stride=2, ceil_mode=True, return_indices=True), rnd(1, 2, 6, 8))
case("maxpool2d_ceil_pad", lambda x, w, b: F.max_pool2d(x, 2, stride=2, padding=1, ceil_mode=True, return_indices=True), rnd(1, 2, 5, 5))
case("maxpool2d_unbatched", lambda x, w, b: F.max_pool2d(x, 2, stride=1, return_indices=True), rnd(2, 4, 3))
case("maxpool2d_float32", lambda x, w, b: F.max_pool2d(x, 2, return_indices=True), rnd(1, 3, 4, 6, dtype=torch.float32))
case("maxpool1d_options", lambda x, w, b: F.max_pool1d(x, 3, stride=2, padding=1, dilation=2, ceil_mode=True, return_indices=True), rnd(2, 3, 10))
case("maxpool1d_unbatched", lambda x, w, b: F.max_pool1d(x, 2, return_indices=True), rnd(3, 7))
case("avgpool2d_basic", lambda x, w, b: F.avg_pool2d(x, 2), rnd(2, 3, 6, 6))
case("avgpool2d_pad", lambda x, w, b: F.avg_pool2d(x, 3, stride=2, padding=1), rnd(1, 2, 7, 6))
case("avgpool2d_pad_exclude", lambda x, w, b: F.avg_pool2d(x, 3, stride=2, padding=1, count_include_pad=False), rnd(1, 2, 7, 6))
case("avgpool2d_ceil", lambda x, w, b: F.avg_pool2d(x, (3, 2), stride=2, padding=1, ceil_mode=True), rnd(1, 2, 6, 7))
case("avgpool2d_ceil_exclude", lambda x, w, b: F.avg_pool2d(x, 3, stride=2, padding=1, ceil_mode=True, count_include_pad=False), rnd(1, 2, 6, 6))
case("avgpool2d_divisor", lambda x, w, b: F.avg_pool2d(x, 2, stride=1, divisor_override=3), rnd(2, 5, 5))
case("avgpool1d_basic", lambda x, w, b: F.avg_pool1d(x, 3, stride=2, padding=1, ceil_mode=True, count_include_pad=False), rnd(2, 2, 8))
case("adaptiveavg_basic", lambda x, w, b: F.adaptive_avg_pool2d(x, (3, 4)), rnd(2, 3, 7, 9))
case("adaptiveavg_none", lambda x, w, b: F.adaptive_avg_pool2d(x, (2, None)), rnd(1, 2, 5, 3))
case("adaptiveavg_global", lambda x, w, b: F.adaptive_avg_pool2d(x, 1), rnd(3, 4, 5))
case("adaptiveavg_up", lambda x, w, b: F.adaptive_avg_pool2d(x, (5, 4)), rnd(1, 2, 3, 3))
case("adaptivemax_basic", lambda x, w, b: F.adaptive_max_pool2d(x, (3, 2), return_indices=True), rnd(2, 3, 7, 5))
case("adaptivemax_unbatched", lambda x, w, b: F.adaptive_max_pool2d(x, 4, return_indices=True), rnd(2, 6, 6))
case("unpool2d", lambda x, w, b: F.max_unpool2d(x, F.max_pool2d(out["unpool2d_src"], 2, return_indices=True)[1], 2),
     rnd(1, 2, 2, 3)) if (out.setdefault("unpool2d_src", rnd(1, 2, 5, 6)) is not None) else None
case("unpool2d_size", lambda x, w, b: F.max_unpool2d(x, F.max_pool2d(out["unpool2d_size_src"], 3, stride=2, padding=1, return_indices=True)[1], 3, stride=2, padding=1, output_size=(6, 5)),
     rnd(1, 3, 3, 3)) if (out.setdefault("unpool2d_size_src", rnd(1, 3, 6, 5)) is not None) else None

# ---- upsampling
case("up_nearest_scale", lambda x, w, b: F.interpolate(x, scale_factor=2, mode="nearest"), rnd(1, 2, 3, 4))
case("up_nearest_size", lambda x, w, b: F.interpolate(x, size=(5, 7), mode="nearest"), rnd(2, 1, 3, 4))
case("up_nearest_frac", lambda x, w, b: F.interpolate(x, scale_factor=(1.5, 0.5), mode="nearest"), rnd(1, 2, 4, 6))
case("up_bilinear_scale", lambda x, w, b: F.interpolate(x, scale_factor=2, mode="bilinear"), rnd(1, 2, 3, 4))
case("up_bilinear_align", lambda x, w, b: F.interpolate(x, size=(5, 7), mode="bilinear", align_corners=True), rnd(2, 1, 3, 4))
case("up_bilinear_down", lambda x, w, b: F.interpolate(x, size=(2, 3), mode="bilinear"), rnd(1, 2, 5, 7))
case("up_bilinear_frac", lambda x, w, b: F.interpolate(x, scale_factor=(1.5, 2.5), mode="bilinear"), rnd(1, 1, 4, 3))
case("up_nearest_1d", lambda x, w, b: F.interpolate(x, scale_factor=3, mode="nearest"), rnd(2, 2, 4))
case("up_bilinear_float32", lambda x, w, b: F.interpolate(x, scale_factor=2, mode="bilinear", align_corners=False), rnd(1, 2, 3, 3, dtype=torch.float32))

# ---- padding
case("pad_constant", lambda x, w, b: F.pad(x, (1, 2, 0, 1), value=0.5), rnd(2, 3, 4))
case("pad_constant_neg", lambda x, w, b: F.pad(x, (-1, 2, 1, -1)), rnd(2, 3, 4))
case("pad_constant_3dims", lambda x, w, b: F.pad(x, (1, 0, 0, 1, 2, 1)), rnd(2, 3, 2))
case("pad_reflect_1d", lambda x, w, b: F.pad(x, (2, 3), mode="reflect"), rnd(2, 3, 5))
case("pad_reflect_2d", lambda x, w, b: F.pad(x, (1, 2, 2, 1), mode="reflect"), rnd(1, 2, 4, 5))
case("pad_replicate_1d", lambda x, w, b: F.pad(x, (3, 1), mode="replicate"), rnd(2, 3, 4))
case("pad_replicate_2d", lambda x, w, b: F.pad(x, (2, 1, 1, 3), mode="replicate"), rnd(2, 3, 4))
case("pad_circular_2d", lambda x, w, b: F.pad(x, (1, 2, 2, 1), mode="circular"), rnd(1, 2, 3, 4))

# ---- printing
for key, m in {
    "conv2d": nn.Conv2d(3, 6, 5),
    "conv2d_full": nn.Conv2d(3, 6, (3, 5), stride=2, padding=1, dilation=2, groups=3, bias=False, padding_mode="reflect"),
    "conv2d_same": nn.Conv2d(4, 4, 3, padding="same"),
    "conv1d": nn.Conv1d(3, 6, 3),
    "conv1d_full": nn.Conv1d(2, 4, 3, stride=2, padding=1, dilation=2, groups=2),
    "convt2d": nn.ConvTranspose2d(3, 6, 3, stride=2, output_padding=1),
    "convt2d_full": nn.ConvTranspose2d(4, 2, (2, 3), stride=(2, 1), padding=1, groups=2, dilation=2, bias=False),
    "convt1d": nn.ConvTranspose1d(3, 2, 4, stride=2),
    "maxpool2d": nn.MaxPool2d(2),
    "maxpool2d_full": nn.MaxPool2d((2, 3), stride=1, padding=1, dilation=(1, 2), ceil_mode=True),
    "maxpool1d": nn.MaxPool1d(3),
    "avgpool2d": nn.AvgPool2d(2),
    "avgpool2d_full": nn.AvgPool2d(3, 2, 1, ceil_mode=True, count_include_pad=False, divisor_override=2),
    "avgpool1d": nn.AvgPool1d(3, stride=2),
    "adaptiveavg": nn.AdaptiveAvgPool2d((5, None)),
    "adaptiveavg_int": nn.AdaptiveAvgPool2d(3),
    "adaptivemax": nn.AdaptiveMaxPool2d((2, 3)),
    "maxunpool2d": nn.MaxUnpool2d(2),
    "upsample": nn.Upsample(scale_factor=2),
    "upsample_size": nn.Upsample(size=(3, 4), mode="bilinear", align_corners=True),
    "upsample_pair": nn.Upsample(scale_factor=(2, 3), mode="bilinear"),
    "net": nn.Sequential(nn.Conv2d(3, 6, 5), nn.ReLU(), nn.MaxPool2d(2, 2), nn.Conv2d(6, 16, 5)),
}.items():
    reprs[key] = repr(m)

save("nn_conv.json", out, meta={"repr": reprs})
