namespace Ember.NN;

/// <summary>
/// A module with three inputs and one output, e.g. a loss of two inputs and a target
/// (<c>forward(input1, input2, target)</c>: <see cref="MarginRankingLoss"/>, <see cref="TripletMarginLoss"/>).
/// </summary>
public abstract class Module<TIn1, TIn2, TIn3, TOut> : Module
{
    /// <summary>The computation (<c>forward</c>).</summary>
    public abstract TOut Forward(TIn1 input1, TIn2 input2, TIn3 input3);

    /// <summary>Runs <see cref="Forward"/> (<c>module(a, b, c)</c>).</summary>
    public TOut Call(TIn1 input1, TIn2 input2, TIn3 input3) => Forward(input1, input2, input3);
}
