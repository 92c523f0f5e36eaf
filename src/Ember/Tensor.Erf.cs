using U = Ember.Backends.UnaryOp;

namespace Ember;

public partial class Tensor
{
    /// <summary>
    /// The error function, 2/sqrt(pi) times the integral of e^(-t^2) from 0 to x (<c>torch.erf</c>);
    /// integer inputs give the default float. Accurate to a few ulps in float64 (float32 is computed in
    /// double and rounded). Its gradient is 2/sqrt(pi) e^(-x^2).
    /// </summary>
    public Tensor Erf() => NotBool("erf").Unary(U.Erf, Derivatives.Erf, Save.Input);
}
