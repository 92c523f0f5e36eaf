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
save("vision.json", out)
