using Ember.Printing;

namespace Ember;

// Printing: ToString() is PyTorch's repr(), character for character.
public partial class Tensor
{
    /// <summary>
    /// The tensor as PyTorch's <c>repr</c> prints it, e.g. <c>tensor([[0.4000, 0.7000]])</c>, using
    /// <see cref="PrintOptions.Current"/>: 4 decimals; whole floats as <c>1.</c>; scientific notation when
    /// the nonzero finite magnitudes span more than 1000x, exceed 1e8 or go below 1e-4; more than 1000
    /// elements summarized with <c>...</c> (3 items at each edge); lines wrapped at 80 characters; a
    /// <c>dtype=</c> suffix unless the dtype is the default float, int64 or bool; <c>device=</c> unless on
    /// the CPU; <c>size=</c> for empty tensors that are not 1-D; <c>grad_fn=&lt;MulBackward0&gt;</c> for
    /// results of recorded operations and <c>requires_grad=True</c> for leaves that require grad.
    /// </summary>
    public override string ToString() => IsLazy ? "<UninitializedBuffer>" : ToString(PrintOptions.Current);

    /// <summary>The tensor printed with the given options (see <see cref="ToString()"/>); nothing global changes.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (negative precision, edge items or threshold; line width below 1).</exception>
    public string ToString(PrintOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate("ToString");
        return TensorPrinter.Repr(this, options, Device);
    }
}
