# The LeNetProfile passes in PyTorch. Usage: python3 torch_profile.py BATCH THREADS [ROUNDS] [cpu]; prints the fastest round, µs per call.
import sys, time, statistics, torch, torch.nn as nn, torch.nn.functional as F
n = int(sys.argv[1]); th = int(sys.argv[2]); rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 3
cpu = len(sys.argv) > 4 and sys.argv[4] == 'cpu'
clk = time.process_time if cpu else time.perf_counter
torch.set_num_threads(th); torch.manual_seed(0)
x = torch.randn(n,3,32,32); w1 = torch.randn(6,3,5,5)*.1; b1 = torch.randn(6)*.1
w2 = torch.randn(16,6,5,5)*.1; b2 = torch.randn(16)*.1
a1 = torch.randn(n,6,28,28); g1 = torch.randn(n,6,28,28); r1 = torch.randn(n,6,28,28); gp1 = torch.randn(n,6,14,14)
p1 = torch.randn(n,6,14,14); a2 = torch.randn(n,16,10,10); g2 = torch.randn(n,16,10,10); gp2 = torch.randn(n,16,5,5)
flat = torch.randn(n,400); logits = torch.randn(n,10); y = torch.arange(n) % 10
fc = nn.Sequential(nn.Linear(400,120), nn.ReLU(), nn.Linear(120,84), nn.ReLU(), nn.Linear(84,10))
class LeNet(nn.Module):
    def __init__(s):
        super().__init__(); s.conv1 = nn.Conv2d(3,6,5); s.pool = nn.MaxPool2d(2,2); s.conv2 = nn.Conv2d(6,16,5)
        s.fc1 = nn.Linear(400,120); s.fc2 = nn.Linear(120,84); s.fc3 = nn.Linear(84,10)
    def forward(s, x):
        x = s.pool(F.relu(s.conv1(x))); x = s.pool(F.relu(s.conv2(x))); x = torch.flatten(x,1)
        return s.fc3(F.relu(s.fc2(F.relu(s.fc1(x)))))
net = LeNet(); opt = torch.optim.SGD(net.parameters(), lr=0.001, momentum=0.9); lossf = nn.CrossEntropyLoss()
for p in net.parameters(): p.grad = torch.randn_like(p)
snet = LeNet(); sopt = torch.optim.SGD(snet.parameters(), lr=0.001, momentum=0.9)
def L(t): return t.detach().requires_grad_()
w1g, w2g, a1g, a2g, r1g, r2g, flatg, logitsg = L(w1), L(w2), L(a1), L(a2), L(r1), L(torch.randn(n,16,10,10)), L(flat), L(logits)
def ng(f):
    def g():
        with torch.no_grad(): f()
    return g
def step():
    sopt.zero_grad(); lossf(snet(x), y).backward(); sopt.step()
items = [
 ("conv1 fwd (+bias)", ng(lambda: F.conv2d(x,w1,b1))), ("conv1 fwd, no bias", ng(lambda: F.conv2d(x,w1))),
 ("conv1 fwd + wgrad", lambda: F.conv2d(x,w1g).backward(g1)), ("conv1 bias grad", lambda: g1.sum([0,2,3])),
 ("relu1 fwd", ng(lambda: F.relu(a1))), ("relu1 fwd + bwd", lambda: F.relu(a1g).backward(g1)),
 ("pool1 fwd", ng(lambda: F.max_pool2d(r1,2))), ("pool1 fwd + bwd", lambda: F.max_pool2d(r1g,2).backward(gp1)),
 ("conv2 fwd (+bias)", ng(lambda: F.conv2d(p1,w2,b2))), ("conv2 fwd, no bias", ng(lambda: F.conv2d(p1,w2))),
 ("conv2 fwd + wgrad", lambda: F.conv2d(p1,w2g).backward(g2)), ("conv2 input grad", ng(lambda: F.conv_transpose2d(g2,w2))),
 ("conv2 bias grad", lambda: g2.sum([0,2,3])), ("relu2 fwd", ng(lambda: F.relu(a2))), ("relu2 fwd + bwd", lambda: F.relu(a2g).backward(g2)),
 ("pool2 fwd", ng(lambda: F.max_pool2d(a2,2))), ("pool2 fwd + bwd", lambda: F.max_pool2d(r2g,2).backward(gp2)),
 ("fc fwd", ng(lambda: fc(flat))), ("fc fwd + bwd", lambda: fc(flatg).backward(logits)),
 ("loss fwd + bwd", lambda: lossf(logitsg, y).backward()), ("sgd step", lambda: opt.step()),
 ("whole step", step), ("whole infer", ng(lambda: snet(x))),
]
for _, f in items:
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < 0.1: f()
S = {k: [] for k, _ in items}
for r in range(rounds):
    for k, f in items:
        it = 0; t0 = time.perf_counter(); c0 = clk()
        while True:
            f(); it += 1
            el = time.perf_counter() - t0
            if el > 0.06: break
        S[k].append((clk() - c0) / it * 1e6)
M = {k: min(v) for k, v in S.items()}
print(f"PyTorch LeNet profile: batch {n}, threads {th}")
for k, _ in items: print(f"  {k:22} {M[k]:10.1f}")
d = lambda a, b: M[a] - M[b]
for name, a, b in [("conv1 wgrad","conv1 fwd + wgrad","conv1 fwd, no bias"),("conv2 wgrad","conv2 fwd + wgrad","conv2 fwd, no bias"),("relu1 bwd","relu1 fwd + bwd","relu1 fwd"),("pool1 bwd","pool1 fwd + bwd","pool1 fwd"),("relu2 bwd","relu2 fwd + bwd","relu2 fwd"),("pool2 bwd","pool2 fwd + bwd","pool2 fwd"),("fc bwd","fc fwd + bwd","fc fwd")]:
    print(f"  {name:22} {d(a,b):10.1f}")
print(f"  whole step {n/M['whole step']*1e6:.0f} images/s; infer {n/M['whole infer']*1e6:.0f} images/s")
