namespace Ember.Distributions;

// The KL pairs torch/distributions/kl.py registers across families and for the later families
// (ContinuousBernoulli, LowRankMultivariateNormal, Cauchy), with PyTorch's formulas.
public abstract partial class Distribution
{
    private const double EulerGammaConst = 0.57721566490153286060;

    private static Dictionary<(Type, Type), Func<Distribution, Distribution, Tensor>> WithAcrossFamilies(Dictionary<(Type, Type), Func<Distribution, Distribution, Tensor>> t)
    {
        void Add<P, Q>(Func<P, Q, Tensor> f) where P : Distribution where Q : Distribution => t[(typeof(P), typeof(Q))] = (p, q) => f((P)p, (Q)q);
        static Tensor Inf(Tensor like) => Tensor.FullLike(like, double.PositiveInfinity);
        static Tensor XLogX(Tensor x) => x * x.Log();

        Add<ContinuousBernoulli, ContinuousBernoulli>((p, q) =>
            p.Mean * (p.Logits - q.Logits) + p.LogNormalizer() + (-p.Probs).Log1p() - q.LogNormalizer() - (-q.Probs).Log1p());
        Add<Cauchy, Cauchy>((p, q) => ((p.Scale + q.Scale).Pow(2) + (p.Loc - q.Loc).Pow(2)).Log() - (4 * p.Scale * q.Scale).Log());
        Add<Bernoulli, Poisson>((p, q) => -p.Entropy() - (p.Probs * q.Rate.Log() - q.Rate));
        Add<Poisson, Bernoulli>((p, q) => Inf(p.Rate));
        Add<Poisson, Binomial>((p, q) => Inf(p.Rate));
        Add<Beta, ContinuousBernoulli>((p, q) => -p.Entropy() - p.Mean * q.Logits - (-q.Probs).Log1p() - q.LogNormalizer());
        Add<Beta, Normal>((p, q) =>
        {
            var e = p.Concentration1 / (p.Concentration1 + p.Concentration0);
            var varN = q.Scale.Pow(2);
            var t3 = (e * (1 - e) / (p.Concentration1 + p.Concentration0 + 1) + e.Pow(2)) * 0.5;
            return -p.Entropy() + 0.5 * (varN * 2 * Math.PI).Log() + (t3 - q.Loc * e + q.Loc.Pow(2) * 0.5) / varN;
        });
        Add<Beta, Uniform>((p, q) =>
        {
            var result = -p.Entropy() + (q.High - q.Low).Log();
            return Tensor.Where(q.Low.Gt(0.0).LogicalOr(q.High.Lt(1.0)), double.PositiveInfinity, result);
        });
        Add<Beta, Pareto>((p, q) => Inf(p.Concentration1));
        Add<Beta, Exponential>((p, q) => -p.Entropy() - q.Rate.Log() + q.Rate * (p.Concentration1 / (p.Concentration1 + p.Concentration0)));
        Add<Beta, Gamma>((p, q) =>
        {
            var t2 = q.Concentration.Lgamma() - q.Concentration * q.Rate.Log();
            var t3 = (q.Concentration - 1) * (p.Concentration1.Digamma() - (p.Concentration1 + p.Concentration0).Digamma());
            var t4 = q.Rate * p.Concentration1 / (p.Concentration1 + p.Concentration0);
            return -p.Entropy() + t2 - t3 + t4;
        });
        Add<Exponential, Gamma>((p, q) =>
        {
            var ratio = q.Rate / p.Rate;
            return -q.Concentration * ratio.Log() + ratio + q.Concentration.Lgamma() + q.Concentration * EulerGammaConst - (1 + EulerGammaConst);
        });
        Add<Exponential, Gumbel>((p, q) =>
        {
            var srp = p.Rate * q.Scale;
            var lsr = q.Loc / q.Scale;
            return srp.Log() - 1 - lsr + lsr.Exp() * srp / (srp + 1) + srp.Reciprocal();
        });
        Add<Exponential, Normal>((p, q) =>
        {
            var varN = q.Scale.Pow(2);
            var rateSqr = p.Rate.Pow(2);
            return 0.5 * (rateSqr * varN * 2 * Math.PI).Log() - 1 + (rateSqr.Reciprocal() - q.Loc / p.Rate + q.Loc.Pow(2) * 0.5) / varN;
        });
        Add<Gamma, Exponential>((p, q) => -p.Entropy() - q.Rate.Log() + q.Rate * p.Concentration / p.Rate);
        Add<Gamma, Gumbel>((p, q) =>
        {
            var bsp = p.Rate * q.Scale;
            var lsr = q.Loc / q.Scale;
            var t1 = (p.Concentration - 1) * p.Concentration.Digamma() - p.Concentration.Lgamma() - p.Concentration;
            var t2 = bsp.Log() + p.Concentration / bsp;
            var t3 = lsr.Exp() * (1 + bsp.Reciprocal()).Pow(-p.Concentration) - lsr;
            return t1 + t2 + t3;
        });
        Add<Gamma, Normal>((p, q) =>
        {
            var varN = q.Scale.Pow(2);
            var betaSqr = p.Rate.Pow(2);
            var t1 = 0.5 * (betaSqr * varN * 2 * Math.PI).Log() - p.Concentration - p.Concentration.Lgamma();
            var t2 = 0.5 * (p.Concentration.Pow(2) + p.Concentration) / betaSqr;
            var t3 = q.Loc * p.Concentration / p.Rate;
            return t1 + (p.Concentration - 1) * p.Concentration.Digamma() + (t2 - t3 + 0.5 * q.Loc.Pow(2)) / varN;
        });
        Add<Gumbel, Normal>((p, q) =>
        {
            var ratio = p.Scale / q.Scale;
            var t1 = (ratio / Math.Sqrt(2 * Math.PI)).Log();
            var t2 = (Math.PI * ratio * 0.5).Pow(2) / 3;
            var t3 = ((p.Loc + p.Scale * EulerGammaConst - q.Loc) / q.Scale).Pow(2) * 0.5;
            return -t1 + t2 + t3 - (EulerGammaConst + 1);
        });
        Add<Laplace, Normal>((p, q) =>
        {
            var varN = q.Scale.Pow(2);
            var r = p.Scale.Pow(2) / varN;
            return -0.5 * (2 * r / Math.PI).Log() + r + (0.5 * p.Loc.Pow(2) - p.Loc * q.Loc + 0.5 * q.Loc.Pow(2)) / varN - 1;
        });
        Add<Normal, Gumbel>((p, q) =>
        {
            var msr = p.Loc / q.Scale;
            var vsr = (p.Scale / q.Scale).Pow(2);
            var lsr = q.Loc / q.Scale;
            return -vsr.Log() * 0.5 + msr - lsr + (-msr + 0.5 * vsr + lsr).Exp() - 0.5 * (1 + Math.Log(2 * Math.PI));
        });
        Add<Normal, Laplace>((p, q) =>
        {
            var diff = p.Loc - q.Loc;
            var ratio = p.Scale / q.Scale;
            var dr = diff / p.Scale;
            var t2 = Math.Sqrt(2 / Math.PI) * p.Scale * (-0.5 * dr.Pow(2)).Exp();
            var t3 = diff * (Math.Sqrt(0.5) * dr).Erf();
            return -ratio.Log() + (t2 + t3) / q.Scale - 0.5 * (1 + Math.Log(0.5 * Math.PI));
        });
        Add<Pareto, Exponential>((p, q) =>
        {
            var srp = p.Scale * q.Rate;
            var result = (p.Alpha / srp).Log() - p.Alpha.Reciprocal() + p.Alpha * srp / (p.Alpha - 1) - 1;
            return Tensor.Where(p.Alpha.Le(1.0), double.PositiveInfinity, result);
        });
        Add<Pareto, Gamma>((p, q) =>
        {
            var common = p.Scale.Log() + p.Alpha.Reciprocal();
            var t1 = p.Alpha.Log() - common;
            var t2 = q.Concentration.Lgamma() - q.Concentration * q.Rate.Log();
            var t3 = (1 - q.Concentration) * common;
            var t4 = q.Rate * p.Alpha * p.Scale / (p.Alpha - 1);
            return Tensor.Where(p.Alpha.Le(1.0), double.PositiveInfinity, t1 + t2 + t3 + t4 - 1);
        });
        Add<Pareto, Normal>((p, q) =>
        {
            var varN = 2 * q.Scale.Pow(2);
            var common = p.Scale / (p.Alpha - 1);
            var t1 = (Math.Sqrt(2 * Math.PI) * q.Scale * p.Alpha / p.Scale).Log();
            var t3 = p.Alpha * common.Pow(2) / (p.Alpha - 2);
            var t4 = (p.Alpha * common - q.Loc).Pow(2);
            return Tensor.Where(p.Alpha.Le(2.0), double.PositiveInfinity, t1 - p.Alpha.Reciprocal() + (t3 + t4) / varN - 1);
        });
        Add<Uniform, Beta>((p, q) =>
        {
            var common = p.High - p.Low;
            var t2 = (q.Concentration1 - 1) * (XLogX(p.High) - XLogX(p.Low) - common) / common;
            var t3 = (q.Concentration0 - 1) * (XLogX(1 - p.High) - XLogX(1 - p.Low) + common) / common;
            var t4 = q.Concentration1.Lgamma() + q.Concentration0.Lgamma() - (q.Concentration1 + q.Concentration0).Lgamma();
            return Tensor.Where(p.High.Gt(1.0).LogicalOr(p.Low.Lt(0.0)), double.PositiveInfinity, t3 + t4 - common.Log() - t2);
        });
        Add<Uniform, ContinuousBernoulli>((p, q) =>
        {
            var result = -p.Entropy() - p.Mean * q.Logits - (-q.Probs).Log1p() - q.LogNormalizer();
            return Tensor.Where(p.High.Ge(1.0).LogicalOr(p.Low.Le(0.0)), double.PositiveInfinity, result);
        });
        Add<Uniform, Exponential>((p, q) =>
        {
            var result = q.Rate * (p.High + p.Low) / 2 - ((p.High - p.Low) * q.Rate).Log();
            return Tensor.Where(p.Low.Lt(0.0), double.PositiveInfinity, result);
        });
        Add<Uniform, Gamma>((p, q) =>
        {
            var common = p.High - p.Low;
            var t2 = q.Concentration.Lgamma() - q.Concentration * q.Rate.Log();
            var t3 = (1 - q.Concentration) * (XLogX(p.High) - XLogX(p.Low) - common) / common;
            var t4 = q.Rate * (p.High + p.Low) / 2;
            return Tensor.Where(p.Low.Lt(0.0), double.PositiveInfinity, -common.Log() + t2 + t3 + t4);
        });
        Add<Uniform, Gumbel>((p, q) =>
        {
            var common = q.Scale / (p.High - p.Low);
            var hi = (p.High - q.Loc) / q.Scale;
            var lo = (p.Low - q.Loc) / q.Scale;
            return common.Log() + 0.5 * (hi + lo) - common * ((-hi).Exp() - (-lo).Exp());
        });
        Add<Uniform, Normal>((p, q) =>
        {
            var common = p.High - p.Low;
            var t1 = (Math.Sqrt(Math.PI * 2) * q.Scale / common).Log();
            var t2 = common.Pow(2) / 12;
            var t3 = ((p.High + p.Low - 2 * q.Loc) / 2).Pow(2);
            return t1 + 0.5 * (t2 + t3) / q.Scale.Pow(2);
        });
        Add<Uniform, Pareto>((p, q) =>
        {
            var width = p.High - p.Low;
            var t1 = (q.Alpha * q.Scale.Pow(q.Alpha) * width).Log();
            var t2 = (XLogX(p.High) - XLogX(p.Low) - width) / width;
            return Tensor.Where(p.Low.Lt(q.Scale), double.PositiveInfinity, t2 * (q.Alpha + 1) - t1);
        });
        // Pairs PyTorch answers with +inf: p's support is not inside q's.
        Add<Exponential, Beta>((p, q) => Inf(p.Rate));
        Add<Exponential, ContinuousBernoulli>((p, q) => Inf(p.Rate));
        Add<Exponential, Pareto>((p, q) => Inf(p.Rate));
        Add<Exponential, Uniform>((p, q) => Inf(p.Rate));
        Add<Gamma, Beta>((p, q) => Inf(p.Concentration));
        Add<Gamma, ContinuousBernoulli>((p, q) => Inf(p.Concentration));
        Add<Gamma, Pareto>((p, q) => Inf(p.Concentration));
        Add<Gamma, Uniform>((p, q) => Inf(p.Concentration));
        foreach (var qt in new[] { typeof(Beta), typeof(ContinuousBernoulli), typeof(Exponential), typeof(Gamma), typeof(Pareto), typeof(Uniform) })
        {
            t[(typeof(Gumbel), qt)] = (p, q) => Inf(((Gumbel)p).Loc);
            t[(typeof(Laplace), qt)] = (p, q) => Inf(((Laplace)p).Loc);
            t[(typeof(Normal), qt)] = (p, q) => Inf(((Normal)p).Loc);
        }
        Add<Pareto, Beta>((p, q) => Inf(p.Scale));
        Add<Pareto, ContinuousBernoulli>((p, q) => Inf(p.Scale));
        Add<Pareto, Uniform>((p, q) => Inf(p.Scale));
        Add<LowRankMultivariateNormal, LowRankMultivariateNormal>((p, q) => LowRankMultivariateNormal.KlLowRank(p, q));
        Add<MultivariateNormal, LowRankMultivariateNormal>((p, q) => LowRankMultivariateNormal.KlMvnLowRank(p, q));
        Add<LowRankMultivariateNormal, MultivariateNormal>((p, q) => LowRankMultivariateNormal.KlLowRankMvn(p, q));
        return t;
    }
}
