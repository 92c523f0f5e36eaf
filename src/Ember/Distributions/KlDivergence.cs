using Ember.NN;

namespace Ember.Distributions;

// kl_divergence and register_kl (torch/distributions/kl.py) for the pairs PyTorch registers among
// Ember's distributions; formulas as PyTorch writes them so values and gradients agree.
public abstract partial class Distribution
{
    private static readonly Dictionary<(Type, Type), Func<Distribution, Distribution, Tensor>> KlTable = WithAcrossFamilies(new()
    {
        [(typeof(Normal), typeof(Normal))] = (p, q) => KlNormal((Normal)p, (Normal)q),
        [(typeof(Categorical), typeof(Categorical))] = (p, q) => KlCategorical((Categorical)p, (Categorical)q),
        [(typeof(OneHotCategorical), typeof(OneHotCategorical))] = (p, q) => KlCategorical(((OneHotCategorical)p).Categorical, ((OneHotCategorical)q).Categorical),
        [(typeof(Bernoulli), typeof(Bernoulli))] = (p, q) => KlBernoulli((Bernoulli)p, (Bernoulli)q),
        [(typeof(Uniform), typeof(Uniform))] = (p, q) => KlUniform((Uniform)p, (Uniform)q),
        [(typeof(Beta), typeof(Beta))] = (p, q) => KlBeta((Beta)p, (Beta)q),
        [(typeof(Gamma), typeof(Gamma))] = (p, q) => KlGamma((Gamma)p, (Gamma)q),
        [(typeof(Dirichlet), typeof(Dirichlet))] = (p, q) => KlDirichlet((Dirichlet)p, (Dirichlet)q),
        [(typeof(MultivariateNormal), typeof(MultivariateNormal))] = (p, q) => MultivariateNormal.Kl((MultivariateNormal)p, (MultivariateNormal)q),
        [(typeof(Independent), typeof(Independent))] = (p, q) => KlIndependent((Independent)p, (Independent)q),
        [(typeof(Exponential), typeof(Exponential))] = (p, q) => KlExponential((Exponential)p, (Exponential)q),
        [(typeof(Laplace), typeof(Laplace))] = (p, q) => KlLaplace((Laplace)p, (Laplace)q),
        [(typeof(Poisson), typeof(Poisson))] = (p, q) => KlPoisson((Poisson)p, (Poisson)q),
        [(typeof(Binomial), typeof(Binomial))] = (p, q) => KlBinomial((Binomial)p, (Binomial)q),
        [(typeof(Geometric), typeof(Geometric))] = (p, q) => KlGeometric((Geometric)p, (Geometric)q),
        [(typeof(Gumbel), typeof(Gumbel))] = (p, q) => KlGumbel((Gumbel)p, (Gumbel)q),
        [(typeof(Pareto), typeof(Pareto))] = (p, q) => KlPareto((Pareto)p, (Pareto)q),
        [(typeof(TransformedDistribution), typeof(TransformedDistribution))] = (p, q) => KlTransformed((TransformedDistribution)p, (TransformedDistribution)q),
    });

    /// <summary>
    /// The Kullback-Leibler divergence KL(p ‖ q), one value per distribution of the batch
    /// (<c>torch.distributions.kl_divergence(p, q)</c>).
    /// </summary>
    /// <exception cref="NotSupportedException">No formula is registered for the pair of types (see <see cref="RegisterKl{P, Q}"/>).</exception>
    public static Tensor KlDivergence(Distribution p, Distribution q)
    {
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(q);
        Func<Distribution, Distribution, Tensor>? fn = null;
        lock (KlTable)
        {
            // The most derived registered pair wins, as PyTorch's _dispatch_kl picks the most specific match.
            for (var tp = p.GetType(); tp is not null && fn is null; tp = tp.BaseType)
                for (var tq = q.GetType(); tq is not null && fn is null; tq = tq.BaseType)
                    KlTable.TryGetValue((tp, tq), out fn);
        }
        if (fn is null)
            throw new NotSupportedException($"kl_divergence: no KL(p || q) is implemented for p of type {p.GetType().Name} and q of type {q.GetType().Name}.");
        return fn(p, q);
    }

    /// <summary>Registers the KL divergence between distributions of types <typeparamref name="P"/> and <typeparamref name="Q"/> (<c>@register_kl(P, Q)</c>).</summary>
    public static void RegisterKl<P, Q>(Func<P, Q, Tensor> kl) where P : Distribution where Q : Distribution
    {
        ArgumentNullException.ThrowIfNull(kl);
        lock (KlTable) KlTable[(typeof(P), typeof(Q))] = (p, q) => kl((P)p, (Q)q);
    }

    private static Tensor KlNormal(Normal p, Normal q)
    {
        var varRatio = (p.Scale / q.Scale).Pow(2);
        var t1 = ((p.Loc - q.Loc) / q.Scale).Pow(2);
        return 0.5 * (varRatio + t1 - 1 - varRatio.Log());
    }

    private static Tensor KlCategorical(Categorical p, Categorical q)
    {
        var t = p.Probs * (p.Logits - q.Logits);
        t = Tensor.Where(q.Probs.Eq(0.0).ExpandAs(t), double.PositiveInfinity, t);
        t = Tensor.Where(p.Probs.Eq(0.0).ExpandAs(t), 0.0, t);
        return t.Sum(-1);
    }

    private static Tensor KlBernoulli(Bernoulli p, Bernoulli q)
    {
        var t1 = p.Probs * (F.Softplus(-q.Logits) - F.Softplus(-p.Logits));
        t1 = Tensor.Where(q.Probs.Eq(0.0), double.PositiveInfinity, t1);
        t1 = Tensor.Where(p.Probs.Eq(0.0), 0.0, t1);
        var t2 = (1 - p.Probs) * (F.Softplus(q.Logits) - F.Softplus(p.Logits));
        t2 = Tensor.Where(q.Probs.Eq(1.0), double.PositiveInfinity, t2);
        t2 = Tensor.Where(p.Probs.Eq(1.0), 0.0, t2);
        return t1 + t2;
    }

    private static Tensor KlUniform(Uniform p, Uniform q)
    {
        var result = ((q.High - q.Low) / (p.High - p.Low)).Log();
        return Tensor.Where(q.Low.Gt(p.Low).LogicalOr(q.High.Lt(p.High)), double.PositiveInfinity, result);
    }

    private static Tensor KlBeta(Beta p, Beta q)
    {
        var sumP = p.Concentration1 + p.Concentration0;
        var sumQ = q.Concentration1 + q.Concentration0;
        var t1 = q.Concentration1.Lgamma() + q.Concentration0.Lgamma() + sumP.Lgamma();
        var t2 = p.Concentration1.Lgamma() + p.Concentration0.Lgamma() + sumQ.Lgamma();
        var t3 = (p.Concentration1 - q.Concentration1) * p.Concentration1.Digamma();
        var t4 = (p.Concentration0 - q.Concentration0) * p.Concentration0.Digamma();
        var t5 = (sumQ - sumP) * sumP.Digamma();
        return t1 - t2 + t3 + t4 + t5;
    }

    private static Tensor KlGamma(Gamma p, Gamma q)
    {
        var t1 = q.Concentration * (p.Rate / q.Rate).Log();
        var t2 = q.Concentration.Lgamma() - p.Concentration.Lgamma();
        var t3 = (p.Concentration - q.Concentration) * p.Concentration.Digamma();
        var t4 = (q.Rate - p.Rate) * (p.Concentration / p.Rate);
        return t1 + t2 + t3 + t4;
    }

    private static Tensor KlDirichlet(Dirichlet p, Dirichlet q)
    {
        var sumP = p.Concentration.Sum(-1);
        var sumQ = q.Concentration.Sum(-1);
        var t1 = sumP.Lgamma() - sumQ.Lgamma();
        var t2 = (p.Concentration.Lgamma() - q.Concentration.Lgamma()).Sum(-1);
        var t3 = p.Concentration - q.Concentration;
        var t4 = p.Concentration.Digamma() - sumP.Digamma().Unsqueeze(-1);
        return t1 - t2 + (t3 * t4).Sum(-1);
    }

    private static Tensor KlExponential(Exponential p, Exponential q)
    {
        var rateRatio = q.Rate / p.Rate;
        return -rateRatio.Log() + rateRatio - 1;
    }

    private static Tensor KlLaplace(Laplace p, Laplace q)
    {
        var scaleRatio = p.Scale / q.Scale;
        var locAbsDiff = (p.Loc - q.Loc).Abs();
        return -scaleRatio.Log() + locAbsDiff / q.Scale + scaleRatio * (-locAbsDiff / p.Scale).Exp() - 1;
    }

    private static Tensor KlPoisson(Poisson p, Poisson q) => p.Rate * (p.Rate.Log() - q.Rate.Log()) - (p.Rate - q.Rate);

    private static Tensor KlBinomial(Binomial p, Binomial q)
    {
        using (Autograd.NoGrad())
            if (p.TotalCount.Lt(q.TotalCount).Any().Item<bool>())
                throw new NotSupportedException("KL between Binomials where q.total_count > p.total_count is not implemented");
        var kl = p.TotalCount * (p.Probs * (p.Logits - q.Logits) + (-p.Probs).Log1p() - (-q.Probs).Log1p());
        return Tensor.Where(p.TotalCount.Gt(q.TotalCount), double.PositiveInfinity, kl);
    }

    private static Tensor KlGeometric(Geometric p, Geometric q) => -p.Entropy() - (-q.Probs).Log1p() / p.Probs - q.Logits;

    private static Tensor KlGumbel(Gumbel p, Gumbel q)
    {
        const double eulerGamma = 0.57721566490153286060;
        var ct1 = p.Scale / q.Scale;
        var ct2 = q.Loc / q.Scale;
        var ct3 = p.Loc / q.Scale;
        var t1 = -ct1.Log() - ct2 + ct3;
        var t2 = ct1 * eulerGamma;
        var t3 = (ct2 + (1 + ct1).Lgamma() - ct3).Exp();
        return t1 + t2 + t3 - (1 + eulerGamma);
    }

    private static Tensor KlPareto(Pareto p, Pareto q)
    {
        var scaleRatio = p.Scale / q.Scale;
        var alphaRatio = q.Alpha / p.Alpha;
        var result = q.Alpha * scaleRatio.Log() - alphaRatio.Log() + alphaRatio - 1;
        return Tensor.Where(p.Scale.Lt(q.Scale), double.PositiveInfinity, result);
    }

    // _kl_transformed_transformed: the KL of the bases when both push them through equal transforms.
    private static Tensor KlTransformed(TransformedDistribution p, TransformedDistribution q)
    {
        if (!p.Transforms.SequenceEqual(q.Transforms) || p.EventShape != q.EventShape)
            throw new NotSupportedException($"kl_divergence: KL between {p.GetType().Name} and {q.GetType().Name} is implemented only for equal transforms and event shapes.");
        return KlDivergence(p.BaseDist, q.BaseDist);
    }

    private static Tensor KlIndependent(Independent p, Independent q)
    {
        if (p.ReinterpretedBatchNdims != q.ReinterpretedBatchNdims)
            throw new NotSupportedException($"kl_divergence: Independent distributions reinterpret {p.ReinterpretedBatchNdims} and {q.ReinterpretedBatchNdims} batch dims; KL is implemented only when they agree.");
        return SumRightmost(KlDivergence(p.BaseDist, q.BaseDist), p.ReinterpretedBatchNdims);
    }
}
