namespace Ember.NN;

/// <summary>
/// A module with four inputs and one output (<c>forward(log_probs, targets, input_lengths,
/// target_lengths)</c> of <see cref="CtcLoss"/>). <see cref="Call"/> runs the forward hooks as
/// <see cref="Module{TIn, TOut}.Call"/> does.
/// </summary>
public abstract class Module<TIn1, TIn2, TIn3, TIn4, TOut> : Module
{
    /// <summary>The computation (<c>forward</c>).</summary>
    public abstract TOut Forward(TIn1 input1, TIn2 input2, TIn3 input3, TIn4 input4);

    /// <summary>Runs hooks and <see cref="Forward"/> (<c>module(a, b, c, d)</c>).</summary>
    public TOut Call(TIn1 input1, TIn2 input2, TIn3 input3, TIn4 input4) =>
        HasForwardHooks ? CallWithHooks([input1, input2, input3, input4], ForwardArgs) : Forward(input1, input2, input3, input4);

    /// <summary>Runs <see cref="Forward"/> on a hooked call's four arguments.</summary>
    /// <exception cref="ArgumentException">A pre-hook left arguments Forward does not take.</exception>
    protected virtual TOut ForwardArgs(object?[] args)
    {
        CheckArgCount(args, 4, 4);
        return Forward(ArgAt<TIn1>(args, 0), ArgAt<TIn2>(args, 1), ArgAt<TIn3>(args, 2), ArgAt<TIn4>(args, 3));
    }
}
