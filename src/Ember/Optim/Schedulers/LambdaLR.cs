namespace Ember.Optim;

/// <summary>
/// Sets each group's lr to its initial lr times a function of the epoch (<c>torch.optim.lr_scheduler.LambdaLR</c>).
/// </summary>
/// <remarks>
/// As in PyTorch, the functions are not part of the state dict (its <c>"lr_lambdas"</c> entry holds a
/// null per group): a resumed scheduler must be constructed with the same functions.
/// </remarks>
public sealed class LambdaLR : LRScheduler
{
    private readonly Func<int, double>[] _lambdas;

    /// <summary>One function for every group.</summary>
    /// <param name="optimizer">The optimizer whose lrs to set.</param>
    /// <param name="lrLambda">The factor for an epoch.</param>
    /// <param name="lastEpoch">The last epoch already done (-1 to start afresh).</param>
    public LambdaLR(Optimizer optimizer, Func<int, double> lrLambda, int lastEpoch = -1)
        : this(optimizer, Repeat(optimizer, lrLambda), lastEpoch) { }

    /// <summary>One function per group.</summary>
    /// <param name="optimizer">The optimizer whose lrs to set.</param>
    /// <param name="lrLambdas">The factor for an epoch, one function per group.</param>
    /// <param name="lastEpoch">The last epoch already done (-1 to start afresh).</param>
    /// <exception cref="ArgumentException">The number of functions is not the number of groups.</exception>
    public LambdaLR(Optimizer optimizer, IReadOnlyList<Func<int, double>> lrLambdas, int lastEpoch = -1)
        : base(Check(optimizer, lrLambdas), lastEpoch)
    {
        _lambdas = [.. lrLambdas];
        InitialStep();
    }

    private static Func<int, double>[] Repeat(Optimizer optimizer, Func<int, double> f)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(f);
        return [.. Enumerable.Repeat(f, optimizer.ParamGroups.Count)];
    }

    private static Optimizer Check(Optimizer optimizer, IReadOnlyList<Func<int, double>> lambdas)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(lambdas);
        if (lambdas.Count != optimizer.ParamGroups.Count)
            throw new ArgumentException($"Expected {optimizer.ParamGroups.Count} lr_lambdas, but got {lambdas.Count}");
        return optimizer;
    }

    /// <inheritdoc/>
    protected override double[] GetLr()
    {
        var r = new double[_lambdas.Length];
        for (int i = 0; i < r.Length; i++) r[i] = BaseLrs[i] * _lambdas[i](LastEpoch);
        return r;
    }

    /// <inheritdoc/>
    protected override void SaveState(Dictionary<string, object?> state)
    {
        base.SaveState(state);
        state["lr_lambdas"] = new object?[_lambdas.Length];
    }
}
