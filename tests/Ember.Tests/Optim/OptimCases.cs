using Ember.Optim;

namespace Ember.Tests.Optim;

/// <summary>The optimizer configurations of tests/golden/optim.py, by case name.</summary>
internal static class OptimCases
{
    public const int Steps = 8;

    public static readonly Dictionary<string, Func<IEnumerable<Tensor>, Optimizer>> Single = new()
    {
        ["sgd"] = p => new Sgd(p, lr: 0.1),
        ["sgd_momentum"] = p => new Sgd(p, lr: 0.1, momentum: 0.9),
        ["sgd_dampening"] = p => new Sgd(p, lr: 0.1, momentum: 0.9, dampening: 0.3),
        ["sgd_nesterov"] = p => new Sgd(p, lr: 0.1, momentum: 0.9, nesterov: true),
        ["sgd_wd"] = p => new Sgd(p, lr: 0.1, momentum: 0.5, weightDecay: 0.1),
        ["sgd_maximize"] = p => new Sgd(p, lr: 0.1, momentum: 0.9, weightDecay: 0.05, maximize: true),
        ["adam"] = p => new Adam(p),
        ["adam_lr"] = p => new Adam(p, lr: 0.05, betas: (0.8, 0.9), eps: 1e-6),
        ["adam_wd"] = p => new Adam(p, lr: 0.01, weightDecay: 0.1),
        ["adam_amsgrad"] = p => new Adam(p, lr: 0.01, amsgrad: true),
        ["adam_maximize"] = p => new Adam(p, lr: 0.01, amsgrad: true, weightDecay: 0.1, maximize: true),
        ["adamw"] = p => new AdamW(p),
        ["adamw_lr"] = p => new AdamW(p, lr: 0.05, betas: (0.8, 0.9), weightDecay: 0.1),
        ["adamw_amsgrad"] = p => new AdamW(p, lr: 0.01, amsgrad: true),
        ["adamw_maximize"] = p => new AdamW(p, lr: 0.01, amsgrad: true, maximize: true),
        ["adagrad"] = p => new Adagrad(p),
        ["adagrad_opts"] = p => new Adagrad(p, lr: 0.1, lrDecay: 0.05, initialAccumulatorValue: 0.5, eps: 1e-6),
        ["adagrad_wd"] = p => new Adagrad(p, lr: 0.1, weightDecay: 0.1),
        ["adagrad_maximize"] = p => new Adagrad(p, lr: 0.1, weightDecay: 0.1, maximize: true),
        ["rmsprop"] = p => new RmsProp(p),
        ["rmsprop_alpha"] = p => new RmsProp(p, lr: 0.01, alpha: 0.9, eps: 1e-6),
        ["rmsprop_centered"] = p => new RmsProp(p, lr: 0.01, centered: true),
        ["rmsprop_momentum"] = p => new RmsProp(p, lr: 0.01, momentum: 0.9),
        ["rmsprop_all"] = p => new RmsProp(p, lr: 0.01, centered: true, momentum: 0.5, weightDecay: 0.1),
        ["rmsprop_maximize"] = p => new RmsProp(p, lr: 0.01, centered: true, momentum: 0.5, maximize: true),
        ["adadelta"] = p => new Adadelta(p),
        ["adadelta_opts"] = p => new Adadelta(p, lr: 0.5, rho: 0.8, eps: 1e-4),
        ["adadelta_wd"] = p => new Adadelta(p, weightDecay: 0.1),
        ["adadelta_maximize"] = p => new Adadelta(p, weightDecay: 0.1, maximize: true),
        ["adamax"] = p => new Adamax(p),
        ["adamax_opts"] = p => new Adamax(p, lr: 0.05, betas: (0.8, 0.9), eps: 1e-4),
        ["adamax_wd"] = p => new Adamax(p, weightDecay: 0.1),
        ["adamax_maximize"] = p => new Adamax(p, weightDecay: 0.1, maximize: true),
        ["nadam"] = p => new NAdam(p),
        ["nadam_opts"] = p => new NAdam(p, lr: 0.05, betas: (0.8, 0.9), eps: 1e-6, momentumDecay: 0.01),
        ["nadam_wd"] = p => new NAdam(p, weightDecay: 0.1),
        ["radam"] = p => new RAdam(p),
        ["radam_betas"] = p => new RAdam(p, lr: 0.05, betas: (0.8, 0.9), eps: 1e-6),
        ["radam_wd"] = p => new RAdam(p, lr: 0.05, betas: (0.8, 0.9), weightDecay: 0.1),
    };

    /// <summary>Two groups: p0 with the optimizer's lr, p1 with its own lr (second element).</summary>
    public static readonly Dictionary<string, Func<IEnumerable<ParamGroup>, Optimizer>> Groups = new()
    {
        ["sgd_groups"] = g => new Sgd(g, lr: 0.1, momentum: 0.9),
        ["adam_groups"] = g => new Adam(g, lr: 0.01),
        ["rmsprop_groups"] = g => new RmsProp(g, lr: 0.01, centered: true),
        ["adagrad_groups"] = g => new Adagrad(g, lr: 0.1),
    };

    public static readonly Dictionary<string, double> GroupLr2 = new()
    {
        ["sgd_groups"] = 0.01, ["adam_groups"] = 0.1, ["rmsprop_groups"] = 0.05, ["adagrad_groups"] = 0.5,
    };

    public static string Name(DType dt) => dt == DType.Float32 ? "float32" : "float64";

    /// <summary>Fresh leaf parameters holding the golden initial values.</summary>
    public static List<Tensor> InitialParams(DType dt)
    {
        var g = Golden.Load("optim");
        return [g[$"init.{Name(dt)}.p0"].Clone().RequiresGrad_(), g[$"init.{Name(dt)}.p1"].Clone().RequiresGrad_()];
    }

    /// <summary>Sets the golden gradients of step <paramref name="step"/> (p1 gets none at step 2 when <paramref name="skipP1AtStep2"/>).</summary>
    public static void SetGrads(IReadOnlyList<Tensor> ps, DType dt, int step, bool skipP1AtStep2 = false)
    {
        var g = Golden.Load("optim");
        for (int i = 0; i < ps.Count; i++)
            ps[i].Grad = skipP1AtStep2 && i == 1 && step == 2 ? null : g[$"grad.{Name(dt)}.s{step}.p{i}"].Clone();
    }

    public static Optimizer Make(string name, List<Tensor> ps) =>
        Single.TryGetValue(name, out var f) ? f(ps)
        : Groups[name]([new ParamGroup([ps[0]]), new ParamGroup([ps[1]]) { ["lr"] = GroupLr2[name] }]);
}
