"""Values of the data-loading API that ports from PyTorch line by line (issue 15 item 6), made by
PyTorch 1.13 and torchvision 0.14 (tests/Ember.Tests/Data/DataPortingGoldenTests.cs):

* default_collate on nested samples (tuples of any arity, lists, dicts, numbers, bools, strings), each
  collated tensor stored under its path inside the batch (collate_CASE[0]["img"]), string lists and
  the kind of every node in meta; and the messages default_collate raises for mismatched samples;
* FakeData's images and targets (torch.randn/randint seeded per index, ToPILImage's byte conversion);
* transforms applied to PIL images before ToTensor (Resize's PIL bilinear, CenterCrop, Pad, Grayscale,
  hflip, RandomCrop/RandomHorizontalFlip drawing from the default generator), on random uint8 images
  that are stored too, as [H, W, C] arrays (np.array(pil_image)).
"""
import numpy as np
import torch
import torchvision
from PIL import Image
from torch.utils.data import default_collate
from torchvision import transforms as T
from torchvision.transforms import functional as F
from golden_io import save

out = {}
meta = {"torchvision_version": torchvision.__version__, "kinds": {}, "strings": {}, "errors": {}}


def flatten(case, obj, path=""):
    key = f"collate_{case}{path}"
    if isinstance(obj, torch.Tensor):
        out[key] = obj
        meta["kinds"][key] = "tensor"
    elif isinstance(obj, dict):
        meta["kinds"][key] = "dict:" + ",".join(obj.keys())
        for k, v in obj.items():
            flatten(case, v, f'{path}["{k}"]')
    elif isinstance(obj, (list, tuple)) and all(isinstance(s, str) for s in obj):  # str batches stay as zip gave them
        meta["kinds"][key] = "strings"
        meta["strings"][key] = list(obj)
    elif isinstance(obj, list):
        meta["kinds"][key] = f"list:{len(obj)}"
        for i, v in enumerate(obj):
            flatten(case, v, f"{path}[{i}]")
    else:
        raise TypeError(type(obj))


flatten("tuple5", default_collate([(torch.tensor([i, i + 0.5]), i, i * 0.25, i % 2 == 0, f"s{i}") for i in range(3)]))
flatten("nested", default_collate([{"img": torch.arange(4.0).reshape(2, 2) + i, "meta": (i, [i * 1.5, -i * 1.5]),
                                    "name": f"n{i}", "flags": [True, i > 0]} for i in range(2)]))
flatten("lists", default_collate([[torch.full((2,), float(i)), torch.tensor([i])] for i in range(3)]))
flatten("tuple9", default_collate([tuple(range(i, i + 9)) for i in range(2)]))
flatten("int32", default_collate([torch.tensor([i, -i], dtype=torch.int32) for i in range(3)]))


def error(name, f):
    try:
        f()
    except Exception as e:  # noqa: BLE001 - the message is the golden
        meta["errors"][name] = f"{type(e).__name__}: {e}"
    else:
        raise AssertionError(name)


error("shape", lambda: default_collate([torch.zeros(2), torch.zeros(3)]))
error("list_size", lambda: default_collate([[1, 2], [1]]))
error("type", lambda: default_collate([object(), object()]))
error("key", lambda: default_collate([{"a": 1, "b": 2}, {"a": 1}]))

# Persistent workers: PyTorch makes the iterator (and draws its base seed) once, then resets it, so
# later epochs draw only the shuffle from the default generator.
if __name__ == "__main__":
    torch.manual_seed(0)
    persistent = torch.utils.data.DataLoader(list(range(10)), batch_size=3, shuffle=True, num_workers=2,
                                             persistent_workers=True)
    out["persistent_order"] = torch.tensor([i for _ in range(3) for b in persistent for i in b.tolist()])
    out["persistent_after"] = torch.rand(3)

# FakeData: each index seeds torch's generator with index + random_offset, draws randn(image_size) and
# randint(0, num_classes, (1,)), and goes through ToPILImage (x * 255, then .byte()).
fake = torchvision.datasets.FakeData(size=6, image_size=(3, 4, 5), num_classes=7, random_offset=3)
for i in range(len(fake)):
    img, target = fake[i]
    out[f"fake_rgb_{i}"] = torch.from_numpy(np.array(img))
    out[f"fake_rgb_target_{i}"] = torch.tensor([target])
gray = torchvision.datasets.FakeData(size=3, image_size=(1, 6, 6), num_classes=3, transform=T.ToTensor())
for i in range(len(gray)):
    img, target = gray[i]
    out[f"fake_gray_{i}"] = img
    out[f"fake_gray_target_{i}"] = torch.tensor([target])
out["fake_after"] = torch.rand(2)  # FakeData restores the generator's state: the default stream is untouched
torch.manual_seed(0)
out["fake_after_seeded"] = torch.rand(2)

# PIL transforms on random images.
g = torch.Generator().manual_seed(1234)
rgb = torch.randint(0, 256, (13, 17, 3), dtype=torch.uint8, generator=g)
lum = torch.randint(0, 256, (12, 10), dtype=torch.uint8, generator=g)
out["pil_rgb"] = rgb
out["pil_l"] = lum.unsqueeze(-1)
rgb_img = Image.fromarray(rgb.numpy(), "RGB")
l_img = Image.fromarray(lum.numpy(), "L")


def arr(img):
    a = torch.from_numpy(np.array(img))
    return a.unsqueeze(-1) if a.dim() == 2 else a


cases = {
    "resize_down": (rgb_img, T.Resize((5, 7))),
    "resize_up": (rgb_img, T.Resize((20, 30))),
    "resize_short": (rgb_img, T.Resize(8)),
    "resize_width_only": (rgb_img, T.Resize((13, 8))),
    "resize_l": (l_img, T.Resize((5, 4))),
    "resize_l_up": (l_img, T.Resize((25, 19))),
    "center_crop": (rgb_img, T.CenterCrop((5, 8))),
    "center_crop_pad": (rgb_img, T.CenterCrop(20)),
    "pad_constant": (rgb_img, T.Pad((1, 2, 3, 4), fill=7)),
    "pad_reflect": (rgb_img, T.Pad(2, padding_mode="reflect")),
    "pad_edge": (l_img, T.Pad((3, 1), padding_mode="edge")),
    "pad_symmetric": (rgb_img, T.Pad(3, padding_mode="symmetric")),
    "gray1": (rgb_img, T.Grayscale()),
    "gray3": (rgb_img, T.Grayscale(3)),
    "hflip": (rgb_img, T.RandomHorizontalFlip(1.0)),
}
for name, (img, t) in cases.items():
    out[f"pil_{name}"] = arr(t(img))

torch.manual_seed(5)
out["pil_random_crop"] = torch.stack([arr(T.RandomCrop(8, padding=2)(rgb_img)) for _ in range(3)])
torch.manual_seed(6)
out["pil_random_flip"] = torch.stack([arr(T.RandomHorizontalFlip()(rgb_img)) for _ in range(4)])
pipeline = T.Compose([T.Resize(10), T.CenterCrop(8), T.ToTensor(), T.Normalize([0.5, 0.5, 0.5], [0.25, 0.25, 0.25])])
out["pil_pipeline"] = pipeline(rgb_img)

save("data_porting.json", out, meta)
