"""Golden values for Ember.Vision's Resize: torchvision resizes tensors with
F.interpolate(mode="bilinear", align_corners=False, antialias=True), so torch alone gives the
expected numbers (torchvision is not needed). Run from tests/golden/ with /usr/bin/python3."""
import torch
import torch.nn.functional as F

from golden_io import save

torch.manual_seed(0)
out = {}
img = torch.rand(2, 3, 9, 13, dtype=torch.float64)
out["img"] = img
for name, size in {"down": (4, 5), "up": (15, 20), "mixed": (5, 30)}.items():
    out[f"aa_{name}"] = F.interpolate(img, size=size, mode="bilinear", align_corners=False, antialias=True)
    out[f"plain_{name}"] = F.interpolate(img, size=size, mode="bilinear", align_corners=False, antialias=False)
u8 = torch.randint(0, 256, (3, 10, 7), dtype=torch.uint8)
out["u8"] = u8
# torchvision resizes uint8 in float and rounds back.
out["u8_down"] = F.interpolate(u8[None].float(), size=(4, 3), mode="bilinear", align_corners=False, antialias=True)[0].round().to(torch.uint8)

# ColorJitter's functional ops, written out as torchvision's _functional_tensor.py computes them
# (torchvision itself is not installed here).
def _blend(img1, img2, ratio):
    bound = 1.0 if img1.is_floating_point() else 255.0
    return (ratio * img1 + (1.0 - ratio) * img2).clamp(0, bound).to(img1.dtype)

def rgb_to_grayscale(img):
    r, g, b = img.unbind(dim=-3)
    l_img = (0.2989 * r + 0.587 * g + 0.114 * b).to(img.dtype)
    return l_img.unsqueeze(dim=-3)

def adjust_brightness(img, f):
    return _blend(img, torch.zeros_like(img), f)

def adjust_contrast(img, f):
    dtype = img.dtype if torch.is_floating_point(img) else torch.float32
    mean = torch.mean(rgb_to_grayscale(img).to(dtype), dim=(-3, -2, -1), keepdim=True)
    return _blend(img, mean, f)

def adjust_saturation(img, f):
    return _blend(img, rgb_to_grayscale(img), f)

def _rgb2hsv(img):
    r, g, b = img.unbind(dim=-3)
    maxc = torch.max(img, dim=-3).values
    minc = torch.min(img, dim=-3).values
    eqc = maxc == minc
    cr = maxc - minc
    ones = torch.ones_like(maxc)
    s = cr / torch.where(eqc, ones, maxc)
    cr_divisor = torch.where(eqc, ones, cr)
    rc = (maxc - r) / cr_divisor
    gc = (maxc - g) / cr_divisor
    bc = (maxc - b) / cr_divisor
    hr = (maxc == r) * (bc - gc)
    hg = ((maxc == g) & (maxc != r)) * (2.0 + rc - bc)
    hb = ((maxc != g) & (maxc != r)) * (4.0 + gc - rc)
    h = hr + hg + hb
    h = torch.fmod((h / 6.0 + 1.0), 1.0)
    return torch.stack((h, s, maxc), dim=-3)

def _hsv2rgb(img):
    h, s, v = img.unbind(dim=-3)
    i = torch.floor(h * 6.0)
    f = (h * 6.0) - i
    i = i.to(dtype=torch.int32)
    p = torch.clamp((v * (1.0 - s)), 0.0, 1.0)
    q = torch.clamp((v * (1.0 - s * f)), 0.0, 1.0)
    t = torch.clamp((v * (1.0 - s * (1.0 - f))), 0.0, 1.0)
    i = i % 6
    mask = i.unsqueeze(dim=-3) == torch.arange(6, device=i.device).view(-1, 1, 1)
    a1 = torch.stack((v, q, p, p, t, v), dim=-3)
    a2 = torch.stack((t, v, v, q, p, p), dim=-3)
    a3 = torch.stack((p, p, t, v, v, q), dim=-3)
    a4 = torch.stack((a1, a2, a3), dim=-4)
    return torch.einsum("...ijk, ...xijk -> ...xjk", mask.to(dtype=img.dtype), a4)

def adjust_hue(img, f):
    orig_dtype = img.dtype
    if not img.is_floating_point():
        img = img.to(torch.float32) / 255.0
    img = _rgb2hsv(img)
    h, s, v = img.unbind(dim=-3)
    h = (h + f) % 1.0
    img = torch.stack((h, s, v), dim=-3)
    out = _hsv2rgb(img)
    if orig_dtype == torch.uint8:
        out = out.mul(255 + 1.0 - 1e-3).to(torch.uint8)
    return out

rgb = torch.rand(3, 5, 6, dtype=torch.float64)
rgb[:, 0, 0] = torch.tensor([0.5, 0.5, 0.5], dtype=torch.float64)  # grey: eqc branch
rgb_u8 = torch.randint(0, 256, (3, 4, 5), dtype=torch.uint8)
out["cj_rgb"] = rgb
out["cj_u8"] = rgb_u8
for name, img in (("f64", rgb), ("u8", rgb_u8)):
    out[f"bright_{name}"] = adjust_brightness(img, 1.3)
    out[f"contrast_{name}"] = adjust_contrast(img, 0.6)
    out[f"sat_{name}"] = adjust_saturation(img, 1.7)
    out[f"hue_{name}"] = adjust_hue(img, 0.2)
    out[f"hueneg_{name}"] = adjust_hue(img, -0.45)
save("vision.json", out)
