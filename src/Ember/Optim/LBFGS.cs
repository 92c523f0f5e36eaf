namespace Ember.Optim;

/// <summary>
/// L-BFGS (<c>torch.optim.LBFGS</c>, PyTorch 1.13), a port of PyTorch's algorithm step for step: the
/// two-loop recursion over the last <c>history_size</c> curvature pairs and, with
/// <c>lineSearchFn: "strong_wolfe"</c>, the strong-Wolfe line search with cubic interpolation.
/// One <see cref="Step(Func{Tensor})"/> runs up to <c>max_iter</c> iterations and re-evaluates the
/// model through the closure (which must zero the gradients, compute the loss, call
/// <see cref="Tensor.Backward"/> and return the loss); it returns the loss of the first evaluation.
/// </summary>
/// <remarks>
/// As in PyTorch, all parameters form one group, and the optimizer's state (which PyTorch registers
/// under the first parameter) holds <c>"func_evals"</c>, <c>"n_iter"</c>, <c>"d"</c>, <c>"t"</c>,
/// <c>"old_dirs"</c>, <c>"old_stps"</c>, <c>"ro"</c>, <c>"H_diag"</c>, <c>"prev_flat_grad"</c> and
/// <c>"prev_loss"</c>; it round-trips through <see cref="Optimizer.StateDict"/>. Scalars are kept as
/// doubles, rounded to float32 where PyTorch computes them as float32 tensors, so float32 runs follow
/// PyTorch's too. Unlike PyTorch, an unknown <c>line_search_fn</c> is refused by the constructor
/// rather than by the first step, and <see cref="Optimizer.Step()"/> without a closure throws.
/// </remarks>
public sealed class LBFGS : Optimizer
{
    private readonly IReadOnlyList<Tensor> _params;

    /// <summary>L-BFGS over <paramref name="parameters"/>, with PyTorch's defaults.</summary>
    /// <param name="parameters">The tensors to optimise (one group; all on one device).</param>
    /// <param name="lr">Learning rate (the initial step length of each iteration).</param>
    /// <param name="maxIter">Most iterations per <see cref="Step(Func{Tensor})"/>.</param>
    /// <param name="maxEval">Most closure evaluations per step (default <c>maxIter * 5 / 4</c>).</param>
    /// <param name="toleranceGrad">Stop when the largest absolute gradient entry is at most this.</param>
    /// <param name="toleranceChange">Stop when the loss or the parameters change by less than this.</param>
    /// <param name="historySize">How many curvature pairs the inverse-Hessian estimate keeps.</param>
    /// <param name="lineSearchFn">null (a fixed step of <paramref name="lr"/>) or <c>"strong_wolfe"</c>.</param>
    public LBFGS(IEnumerable<Tensor> parameters, double lr = 1, int maxIter = 20, int? maxEval = null,
        double toleranceGrad = 1e-7, double toleranceChange = 1e-9, int historySize = 100, string? lineSearchFn = null)
        : base(parameters, MakeDefaults(lr, maxIter, maxEval, toleranceGrad, toleranceChange, historySize, lineSearchFn))
    {
        if (ParamGroups.Count != 1) throw new ArgumentException("LBFGS doesn't support per-parameter options (parameter groups)");
        _params = ParamGroups[0].Params;
    }

    /// <summary>PyTorch accepts a list of groups and refuses more than one; so does this overload.</summary>
    /// <param name="groups">Exactly one parameter group.</param>
    /// <param name="lr">Learning rate (the initial step length of each iteration).</param>
    /// <param name="maxIter">Most iterations per <see cref="Step(Func{Tensor})"/>.</param>
    /// <param name="maxEval">Most closure evaluations per step (default <c>maxIter * 5 / 4</c>).</param>
    /// <param name="toleranceGrad">Stop when the largest absolute gradient entry is at most this.</param>
    /// <param name="toleranceChange">Stop when the loss or the parameters change by less than this.</param>
    /// <param name="historySize">How many curvature pairs the inverse-Hessian estimate keeps.</param>
    /// <param name="lineSearchFn">null (a fixed step of <paramref name="lr"/>) or <c>"strong_wolfe"</c>.</param>
    public LBFGS(IEnumerable<ParamGroup> groups, double lr = 1, int maxIter = 20, int? maxEval = null,
        double toleranceGrad = 1e-7, double toleranceChange = 1e-9, int historySize = 100, string? lineSearchFn = null)
        : base(groups, MakeDefaults(lr, maxIter, maxEval, toleranceGrad, toleranceChange, historySize, lineSearchFn))
    {
        if (ParamGroups.Count != 1) throw new ArgumentException("LBFGS doesn't support per-parameter options (parameter groups)");
        _params = ParamGroups[0].Params;
    }

    private static Dictionary<string, object> MakeDefaults(double lr, int maxIter, int? maxEval, double toleranceGrad,
        double toleranceChange, int historySize, string? lineSearchFn)
    {
        if (lineSearchFn is not null && lineSearchFn != "strong_wolfe") throw new ArgumentException("only 'strong_wolfe' is supported");
        if (maxIter < 1) throw new ArgumentException($"LBFGS: max_iter must be at least 1, got {maxIter}.");
        if (historySize < 1) throw new ArgumentException($"LBFGS: history_size must be at least 1, got {historySize}.");
        return new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["lr"] = lr, ["max_iter"] = (long)maxIter, ["max_eval"] = (long)(maxEval ?? maxIter * 5 / 4),
            ["tolerance_grad"] = toleranceGrad, ["tolerance_change"] = toleranceChange,
            ["history_size"] = (long)historySize,
            // PyTorch's state dict holds None here; the options dictionary keeps null for it.
            ["line_search_fn"] = lineSearchFn!,
        };
    }

    /// <inheritdoc/>
    protected override void StepGroup(ParamGroup group) =>
        throw new InvalidOperationException("LBFGS.Step: L-BFGS re-evaluates the loss several times per step; call Step(closure) with a closure that zeroes the gradients, computes the loss, calls Backward and returns the loss.");

    /// <summary>
    /// Runs up to <c>max_iter</c> L-BFGS iterations (<c>optimizer.step(closure)</c>). The closure is
    /// called with gradients enabled; it must zero the gradients, compute the loss, call
    /// <see cref="Tensor.Backward"/> and return the loss. Returns the loss of the first evaluation.
    /// </summary>
    public override Tensor Step(Func<Tensor> closure)
    {
        ArgumentNullException.ThrowIfNull(closure);
        using var noGrad = Autograd.NoGrad();
        StepCount++;
        var group = ParamGroups[0];
        double lr = group.Get<double>("lr");
        long maxIter = Convert.ToInt64(group["max_iter"], System.Globalization.CultureInfo.InvariantCulture);
        long maxEval = Convert.ToInt64(group["max_eval"], System.Globalization.CultureInfo.InvariantCulture);
        long historySize = Convert.ToInt64(group["history_size"], System.Globalization.CultureInfo.InvariantCulture);
        string? lineSearchFn = group.Options.TryGetValue("line_search_fn", out var lso) ? lso as string : null;
        if (lineSearchFn is not null && lineSearchFn != "strong_wolfe") throw new InvalidOperationException("only 'strong_wolfe' is supported");

        // Scalars PyTorch computes as 0-d tensors of the parameters' dtype are rounded to it.
        bool f32 = _params[0].DType == DType.Float32;
        double R(double v) => f32 ? (float)v : v;
        double toleranceGrad = R(group.Get<double>("tolerance_grad"));
        double toleranceChange = group.Get<double>("tolerance_change");

        // LBFGS has only global state; PyTorch registers it under the first parameter.
        var state = StateOf(_params[0]);
        state.TryAdd("func_evals", 0L);
        state.TryAdd("n_iter", 0L);

        Tensor origLoss = Evaluate(closure);
        double loss = origLoss.Item<double>();
        long currentEvals = 1;
        state["func_evals"] = Long(state["func_evals"]) + 1;

        Tensor flatGrad = GatherFlatGrad();
        bool optCond = flatGrad.Abs().Max().Item<double>() <= toleranceGrad;
        if (optCond) return origLoss;

        Tensor? d = state.TryGetValue("d", out var o) ? o as Tensor : null;
        double t = state.TryGetValue("t", out o) ? Dbl(o) : 0;
        var oldDirs = state.TryGetValue("old_dirs", out o) ? Tensors(o) : [];
        var oldStps = state.TryGetValue("old_stps", out o) ? Tensors(o) : [];
        var ro = state.TryGetValue("ro", out o) ? Doubles(o) : [];
        double hDiag = state.TryGetValue("H_diag", out o) ? Dbl(o) : 1;
        Tensor? prevFlatGrad = state.TryGetValue("prev_flat_grad", out o) ? o as Tensor : null;
        double prevLoss = state.TryGetValue("prev_loss", out o) ? Dbl(o) : 0;

        long nIter = 0;
        while (nIter < maxIter)
        {
            nIter++;
            long globalIter = Long(state["n_iter"]) + 1;
            state["n_iter"] = globalIter;

            // The descent direction.
            if (globalIter == 1)
            {
                d = flatGrad.Neg();
                oldDirs = []; oldStps = []; ro = [];
                hDiag = 1;
            }
            else
            {
                var y = flatGrad.Sub(prevFlatGrad!);
                var s = d!.Mul(t);
                double ys = y.Dot(s).Item<double>();
                if (ys > R(1e-10))
                {
                    if (oldDirs.Count == historySize)
                    {
                        // Limited memory: the oldest pair goes.
                        oldDirs.RemoveAt(0); oldStps.RemoveAt(0); ro.RemoveAt(0);
                    }
                    oldDirs.Add(y); oldStps.Add(s); ro.Add(R(1.0 / ys));
                    hDiag = R(ys / y.Dot(y).Item<double>());
                }
                // Two-loop recursion: the approximate inverse Hessian times the negative gradient.
                int numOld = oldDirs.Count;
                var al = new double[numOld];
                var q = flatGrad.Neg();
                for (int i = numOld - 1; i >= 0; i--)
                {
                    al[i] = R(oldStps[i].Dot(q).Item<double>() * ro[i]);
                    q.Add_(oldDirs[i], -al[i]);
                }
                var r = q.Mul(hDiag);
                for (int i = 0; i < numOld; i++)
                {
                    double be = R(oldDirs[i].Dot(r).Item<double>() * ro[i]);
                    r.Add_(oldStps[i], R(al[i] - be));
                }
                d = r;
            }
            if (prevFlatGrad is null) prevFlatGrad = flatGrad.Clone();
            else prevFlatGrad.Copy_(flatGrad);
            prevLoss = loss;

            // The step length: the first iteration ever is scaled down by the gradient's L1 norm.
            if (globalIter == 1)
            {
                double inv = R(1.0 / flatGrad.Abs().Sum().Item<double>());
                t = inv < 1.0 ? R(inv * R(lr)) : lr;
            }
            else t = lr;

            double gtd = flatGrad.Dot(d).Item<double>();
            if (gtd > R(-toleranceChange)) break;

            long lsFuncEvals = 0;
            if (lineSearchFn is not null)
            {
                var xInit = _params.Select(p => p.Clone()).ToList();
                (loss, flatGrad, t, lsFuncEvals) = StrongWolfe(closure, xInit, t, d, loss, flatGrad, gtd, toleranceChange);
                AddGrad(t, d);
                optCond = flatGrad.Abs().Max().Item<double>() <= toleranceGrad;
            }
            else
            {
                AddGrad(t, d);
                if (nIter != maxIter)
                {
                    // Not re-evaluated after the last iteration: in a stochastic setting it would be wasted.
                    loss = Evaluate(closure).Item<double>();
                    flatGrad = GatherFlatGrad();
                    optCond = flatGrad.Abs().Max().Item<double>() <= toleranceGrad;
                    lsFuncEvals = 1;
                }
            }
            currentEvals += lsFuncEvals;
            state["func_evals"] = Long(state["func_evals"]) + lsFuncEvals;

            if (nIter == maxIter) break;
            if (currentEvals >= maxEval) break;
            if (optCond) break;
            if (d.Mul(t).Abs().Max().Item<double>() <= R(toleranceChange)) break;
            if (Math.Abs(loss - prevLoss) < toleranceChange) break;
        }

        state["d"] = d!;
        state["t"] = t;
        state["old_dirs"] = oldDirs;
        state["old_stps"] = oldStps;
        state["ro"] = ro;
        state["H_diag"] = hDiag;
        state["prev_flat_grad"] = prevFlatGrad!;
        state["prev_loss"] = prevLoss;
        return origLoss;
    }

    private static Tensor Evaluate(Func<Tensor> closure)
    {
        using var _ = Autograd.EnableGrad();
        return closure() ?? throw new InvalidOperationException("LBFGS.Step: the closure returned null; it must return the loss.");
    }

    // All gradients as one vector (a missing gradient counts as zeros), a new tensor that aliases none of them.
    private Tensor GatherFlatGrad()
    {
        var views = new List<Tensor>(_params.Count);
        foreach (var p in _params)
            views.Add(p.Grad is Tensor g ? g.Reshape(-1) : Tensor.Zeros([checked((int)p.Numel())], p.DType, p.Device));
        return Tensor.Cat(views, 0);
    }

    private void AddGrad(double stepSize, Tensor update)
    {
        int offset = 0;
        foreach (var p in _params)
        {
            int n = checked((int)p.Numel());
            p.Add_(update.Narrow(0, offset, n).ViewAs(p), stepSize);
            offset += n;
        }
    }

    private (double Loss, Tensor FlatGrad) DirectionalEvaluate(Func<Tensor> closure, List<Tensor> x, double t, Tensor d)
    {
        AddGrad(t, d);
        double loss = Evaluate(closure).Item<double>();
        var flatGrad = GatherFlatGrad();
        for (int i = 0; i < _params.Count; i++) _params[i].Copy_(x[i]);
        return (loss, flatGrad);
    }

    // PyTorch's _cubic_interpolate (from torch/optim's polyinterp.lua): the minimiser of the cubic through
    // two points with their values and slopes, clamped to the bounds; the bounds' midpoint when the cubic has none.
    internal static double CubicInterpolate(double x1, double f1, double g1, double x2, double f2, double g2, (double Min, double Max)? bounds = null)
    {
        var (xminBound, xmaxBound) = bounds ?? (x1 <= x2 ? (x1, x2) : (x2, x1));
        double d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2);
        double d2Square = d1 * d1 - g1 * g2;
        if (d2Square >= 0)
        {
            double d2 = Math.Sqrt(d2Square);
            double minPos = x1 <= x2
                ? x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
                : x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2));
            return Math.Min(Math.Max(minPos, xminBound), xmaxBound);
        }
        return (xminBound + xmaxBound) / 2.0;
    }

    // PyTorch's _strong_wolfe (from torch/optim's lswolfe.lua): bracket a step satisfying the strong Wolfe
    // conditions, then zoom in on it. Returns the loss and gradient at the chosen step, the step and the evaluations used.
    private (double, Tensor, double, long) StrongWolfe(Func<Tensor> closure, List<Tensor> x, double t, Tensor d,
        double f, Tensor g, double gtd, double toleranceChange, double c1 = 1e-4, double c2 = 0.9, int maxLs = 25)
    {
        double dNorm = d.Abs().Max().Item<double>();
        g = g.Clone();
        var (fNew, gNew) = DirectionalEvaluate(closure, x, t, d);
        long lsFuncEvals = 1;
        double gtdNew = gNew.Dot(d).Item<double>();

        double tPrev = 0, fPrev = f, gtdPrev = gtd;
        Tensor gPrev = g;
        bool done = false;
        int lsIter = 0;
        double[] bracket = [], bracketF = [], bracketGtd = [];
        Tensor[] bracketG = [];
        while (lsIter < maxLs)
        {
            if (fNew > f + c1 * t * gtd || (lsIter > 1 && fNew >= fPrev))
            {
                bracket = [tPrev, t]; bracketF = [fPrev, fNew]; bracketG = [gPrev, gNew.Clone()]; bracketGtd = [gtdPrev, gtdNew];
                break;
            }
            if (Math.Abs(gtdNew) <= -c2 * gtd)
            {
                bracket = [t]; bracketF = [fNew]; bracketG = [gNew];
                done = true;
                break;
            }
            if (gtdNew >= 0)
            {
                bracket = [tPrev, t]; bracketF = [fPrev, fNew]; bracketG = [gPrev, gNew.Clone()]; bracketGtd = [gtdPrev, gtdNew];
                break;
            }
            double minStep = t + 0.01 * (t - tPrev), maxStep = t * 10, tmp = t;
            t = CubicInterpolate(tPrev, fPrev, gtdPrev, t, fNew, gtdNew, (minStep, maxStep));
            tPrev = tmp; fPrev = fNew; gPrev = gNew.Clone(); gtdPrev = gtdNew;
            (fNew, gNew) = DirectionalEvaluate(closure, x, t, d);
            lsFuncEvals++;
            gtdNew = gNew.Dot(d).Item<double>();
            lsIter++;
        }
        if (lsIter == maxLs)
        {
            bracket = [0, t]; bracketF = [f, fNew]; bracketG = [g, gNew];
            // PyTorch leaves bracket_gtd as it was here; the zoom below never runs after max_ls iterations.
        }

        // Zoom: shrink the bracket until a point satisfies the conditions.
        bool insufProgress = false;
        var (lowPos, highPos) = bracketF[0] <= bracketF[^1] ? (0, 1) : (1, 0);
        while (!done && lsIter < maxLs)
        {
            if (Math.Abs(bracket[1] - bracket[0]) * dNorm < toleranceChange) break;
            t = CubicInterpolate(bracket[0], bracketF[0], bracketGtd[0], bracket[1], bracketF[1], bracketGtd[1]);

            // A trial too close to an end of the bracket (twice running, or outside it) moves 10% of the
            // bracket's length inside, so the search keeps making progress.
            double hi = Math.Max(bracket[0], bracket[1]), lo = Math.Min(bracket[0], bracket[1]);
            double eps = 0.1 * (hi - lo);
            if (Math.Min(hi - t, t - lo) < eps)
            {
                if (insufProgress || t >= hi || t <= lo)
                {
                    t = Math.Abs(t - hi) < Math.Abs(t - lo) ? hi - eps : lo + eps;
                    insufProgress = false;
                }
                else insufProgress = true;
            }
            else insufProgress = false;

            (fNew, gNew) = DirectionalEvaluate(closure, x, t, d);
            lsFuncEvals++;
            gtdNew = gNew.Dot(d).Item<double>();
            lsIter++;

            if (fNew > f + c1 * t * gtd || fNew >= bracketF[lowPos])
            {
                // Armijo fails, or no lower than the lowest point: the trial becomes the high end.
                bracket[highPos] = t; bracketF[highPos] = fNew; bracketG[highPos] = gNew.Clone(); bracketGtd[highPos] = gtdNew;
                (lowPos, highPos) = bracketF[0] <= bracketF[1] ? (0, 1) : (1, 0);
            }
            else
            {
                if (Math.Abs(gtdNew) <= -c2 * gtd) done = true;
                else if (gtdNew * (bracket[highPos] - bracket[lowPos]) >= 0)
                {
                    // The old high end becomes the new low end.
                    bracket[highPos] = bracket[lowPos]; bracketF[highPos] = bracketF[lowPos];
                    bracketG[highPos] = bracketG[lowPos]; bracketGtd[highPos] = bracketGtd[lowPos];
                }
                bracket[lowPos] = t; bracketF[lowPos] = fNew; bracketG[lowPos] = gNew.Clone(); bracketGtd[lowPos] = gtdNew;
            }
        }
        return (bracketF[lowPos], bracketG[lowPos], bracket[lowPos], lsFuncEvals);
    }

    // State values arrive as Ember wrote them or as a PyTorch file holds them (0-d tensors, ints, lists of objects).
    private static long Long(object o) => o is Tensor t ? t.Item<long>() : Convert.ToInt64(o, System.Globalization.CultureInfo.InvariantCulture);

    private static double Dbl(object? o) => o switch
    {
        Tensor t => t.Item<double>(),
        null => 0,
        _ => Convert.ToDouble(o, System.Globalization.CultureInfo.InvariantCulture),
    };

    private static List<Tensor> Tensors(object? o) =>
        o is System.Collections.IEnumerable e ? e.Cast<object>().Select(x => (Tensor)x).ToList() : [];

    private static List<double> Doubles(object? o) =>
        o is System.Collections.IEnumerable e ? e.Cast<object>().Select(Dbl).ToList() : [];
}
