namespace Ember.NN;

/// <summary>
/// A module with three inputs and one output, e.g. a loss of two inputs and a target
/// (<c>forward(input1, input2, target)</c>: <see cref="MarginRankingLoss"/>, <see cref="TripletMarginLoss"/>).
/// <see cref="Call"/> runs the forward hooks as <see cref="Module{TIn, TOut}.Call"/> does.
/// </summary>
public abstract class Module<TIn1, TIn2, TIn3, TOut> : Module
{
    /// <summary>The computation (<c>forward</c>).</summary>
    public abstract TOut Forward(TIn1 input1, TIn2 input2, TIn3 input3);

    /// <summary>Runs hooks and <see cref="Forward"/> (<c>module(a, b, c)</c>).</summary>
    public TOut Call(TIn1 input1, TIn2 input2, TIn3 input3) =>
        HasForwardHooks ? CallWithHooks([input1, input2, input3], ForwardArgs) : Forward(input1, input2, input3);

    /// <summary>Runs <see cref="Forward"/> on a hooked call's three arguments.</summary>
    /// <exception cref="ArgumentException">A pre-hook left arguments Forward does not take.</exception>
    protected virtual TOut ForwardArgs(object?[] args)
    {
        CheckArgCount(args, 3, 3);
        return Forward(ArgAt<TIn1>(args, 0), ArgAt<TIn2>(args, 1), ArgAt<TIn3>(args, 2));
    }
}
