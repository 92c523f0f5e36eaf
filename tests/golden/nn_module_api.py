"""Expected values for the Module API a port leans on: a nested model converted with .double() (its
float64 outputs in train and eval mode, the running statistics it keeps in float64 and the int64
num_batches_tracked), named_modules' names and types, apply's visiting order, and the state-dict keys
of Sequential slices (seq[:-1], seq[1:3]) and of nn.Sequential(*list(model.children())[:-1])."""
import torch
from torch import nn
from golden_io import save


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 4, 3, padding=1)
        self.bn = nn.BatchNorm2d(4)
        self.act = nn.ReLU()

    def forward(self, x):
        return self.act(self.bn(self.conv(x)))


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(Block(), nn.MaxPool2d(2))
        self.head = nn.Sequential(nn.Flatten(), nn.Linear(4 * 4 * 4, 10), nn.ReLU(), nn.Linear(10, 3))

    def forward(self, x):
        return self.head(self.features(x))


torch.manual_seed(0)
net = Net().double()
x = torch.randn(2, 1, 8, 8, dtype=torch.float64)
out = {"x": x}
out["train_y"] = net(x).detach()
out["running_mean"] = net.features[0].bn.running_mean
out["running_var"] = net.features[0].bn.running_var
out["num_batches_tracked"] = net.features[0].bn.num_batches_tracked
net.eval()
out["eval_y"] = net(x).detach()

named = [[n, type(m).__name__] for n, m in net.named_modules()]
names_of = {id(m): n for n, m in net.named_modules()}
applied = []
net.apply(lambda m: applied.append(names_of[id(m)]))
meta = {
    "named_modules": named,
    "apply_order": applied,
    "head_without_last_keys": list(nn.Sequential(*list(net.head.children())[:-1]).state_dict().keys()),
    "head_slice_keys": list(net.head[:-1].state_dict().keys()),
    "head_from_1_keys": list(net.head[1:].state_dict().keys()),
    "dtypes": {k: str(v.dtype).replace("torch.", "") for k, v in net.state_dict().items()},
}
save("nn_module_api.json", out, meta)
print(meta)
