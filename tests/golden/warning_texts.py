"""The warnings PyTorch raises where Ember warns too: each case's category and text, recorded with
warnings.catch_warnings(record=True) (tests/Ember.Tests/WarningSitesTests.cs). A case that raises
none records an empty list. Shapes print as torch.Size([..]); Ember prints them as [..]."""
import json
import subprocess
import sys
import warnings

import torch
import torch.nn as nn
import torch.nn.functional as F

cases = {}


def record(name, fn):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        fn()
    cases[name] = [{"category": x.category.__name__, "message": str(x.message)} for x in w]


x31, t3, x3 = torch.randn(3, 1), torch.randn(3), torch.randn(3)
record("mse_loss_broadcast", lambda: F.mse_loss(x31, t3))
record("mse_loss_module", lambda: nn.MSELoss()(x31, t3))
record("mse_loss_same", lambda: F.mse_loss(x3, t3))
record("mse_loss_target_1", lambda: F.mse_loss(x3, torch.randn(1)))
record("l1_loss_broadcast", lambda: F.l1_loss(x31, t3))
record("smooth_l1_loss_broadcast", lambda: F.smooth_l1_loss(x31, t3))
record("huber_loss_broadcast", lambda: nn.HuberLoss()(x31, t3))
logp, p = torch.randn(2, 3).log_softmax(1), torch.randn(2, 3).softmax(1)
record("kl_div_mean", lambda: F.kl_div(logp, p))
record("kl_div_module_default", lambda: nn.KLDivLoss()(logp, p))
record("kl_div_batchmean", lambda: F.kl_div(logp, p, reduction="batchmean"))
record("kl_div_sum", lambda: F.kl_div(logp, p, reduction="sum"))
x234 = torch.randn(2, 3, 4)
record("softmax_implicit", lambda: F.softmax(x234))
record("softmax_module_implicit", lambda: nn.Softmax()(x234))
record("softmax_dim", lambda: F.softmax(x234, 1))
record("log_softmax_implicit", lambda: F.log_softmax(x234))
record("sigmoid_functional", lambda: F.sigmoid(x3))
record("tanh_functional", lambda: F.tanh(x3))
record("sigmoid_module", lambda: nn.Sigmoid()(x3))
record("tanh_module", lambda: nn.Tanh()(x3))
record("dropout2d_3d", lambda: F.dropout2d(x234))
record("dropout2d_2d", lambda: F.dropout2d(torch.randn(2, 3)))
record("dropout2d_4d", lambda: F.dropout2d(torch.randn(1, 2, 3, 4)))
record("dropout2d_3d_eval", lambda: F.dropout2d(x234, training=False))
record("kaiming_uniform_empty", lambda: nn.init.kaiming_uniform_(torch.empty(0, 3)))
record("kaiming_normal_empty", lambda: nn.init.kaiming_normal_(torch.empty(2, 0)))
record("kaiming_uniform", lambda: nn.init.kaiming_uniform_(torch.empty(2, 3)))
record("trunc_normal_far_mean", lambda: nn.init.trunc_normal_(torch.empty(4), mean=5.0))
record("trunc_normal", lambda: nn.init.trunc_normal_(torch.empty(4)))


def in_fresh_process(name, expr):
    # x.T warns through TORCH_WARN_ONCE: once per process, whatever Python's filters say.
    code = ("import json, warnings, torch\n"
            "with warnings.catch_warnings(record=True) as w:\n"
            "    warnings.simplefilter('always')\n"
            f"    {expr}\n"
            "print(json.dumps([{'category': x.category.__name__, 'message': str(x.message)} for x in w]))")
    cases[name] = json.loads(subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout)


in_fresh_process("T_3d", "torch.randn(2, 3, 4).T")
in_fresh_process("T_1d", "torch.randn(3).T")
in_fresh_process("T_2d", "torch.randn(3, 1).T")
in_fresh_process("T_0d", "torch.tensor(1.0).T")
leaf = torch.randn(3, requires_grad=True)
nonleaf = leaf * 2
retained = leaf * 2
retained.retain_grad()
record("grad_nonleaf", lambda: nonleaf.grad)
record("grad_leaf", lambda: leaf.grad)
record("grad_nonleaf_retained", lambda: retained.grad)


def scheduler_first():
    opt = torch.optim.SGD([nn.Parameter(torch.randn(2))], lr=0.1)
    s = torch.optim.lr_scheduler.StepLR(opt, 1)
    s.step()
    s.step()


def scheduler_after_optimizer():
    opt = torch.optim.SGD([nn.Parameter(torch.randn(2))], lr=0.1)
    s = torch.optim.lr_scheduler.StepLR(opt, 1)
    opt.step()
    s.step()


def scheduler_epoch():
    opt = torch.optim.SGD([nn.Parameter(torch.randn(2))], lr=0.1)
    s = torch.optim.lr_scheduler.StepLR(opt, 1)
    opt.step()
    s.step(3)


record("lstm_dropout_one_layer", lambda: nn.LSTM(3, 4, dropout=0.5))
record("gru_dropout_two_layers", lambda: nn.GRU(3, 4, num_layers=2, dropout=0.5))
record("scheduler_before_optimizer", scheduler_first)
record("scheduler_after_optimizer", scheduler_after_optimizer)
record("scheduler_step_epoch", scheduler_epoch)

with open("warning_texts.json", "w") as f:
    json.dump({"torch_version": torch.__version__, "cases": cases}, f, indent=1, sort_keys=True)
