namespace Ember.Backends.Cpu;

// The exponential fill and multinomial sampling with replacement, ported from PyTorch 1.13's CPU
// kernels (DistributionTemplates.h's exponential_kernel, MultinomialKernel.cpp) so the draws match.
internal sealed partial class CpuBackend
{
    // exponential_distribution<double>: one 53-bit uniform double per element, transformed in double
    // and rounded to the element type.
    public void Exponential(Storage dst, Layout layout, double lambda, Generator gen)
    {
        int[]? order = VisitOrder(layout);
        double scale = -1.0 / lambda;
        lock (gen.Mutex)
        {
            if (dst.DType == DType.Float32)
            {
                var d = Data<float>(dst);
                for (int k = 0; k < layout.NumElements; k++)
                    d[order?[k] ?? layout.Offset + k] = (float)(scale * Math.Log(1.0 - gen.UniformDouble()));
            }
            else
            {
                var d = Data<double>(dst);
                for (int k = 0; k < layout.NumElements; k++)
                    d[order?[k] ?? layout.Offset + k] = scale * Math.Log(1.0 - gen.UniformDouble());
            }
        }
    }

    public void MultinomialWithReplacement(Storage src, Layout layout, int samples, Storage dst, Generator gen)
    {
        if (src.DType == DType.Float32) WithReplacement<float>(Data<float>(src), layout, samples, Data<long>(dst), gen);
        else WithReplacement<double>(Data<double>(src), layout, samples, Data<long>(dst), gen);
    }

    // multinomial_with_replacement_apply: the row's cumulative sum accumulated and normalised in the
    // element type, its last bucket forced to 1, then per sample one uniform double and a binary search
    // for the first bucket whose cumulative mass is not below it.
    private static void WithReplacement<T>(T[] p, Layout layout, int samples, long[] result, Generator gen)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        int rows = layout.Shape[0], cats = layout.Shape[1];
        var cum = new T[cats];
        lock (gen.Mutex)
        {
            for (int i = 0; i < rows; i++)
            {
                T sum = T.Zero;
                for (int j = 0; j < cats; j++)
                {
                    T v = p[layout.Offset + i * layout.Strides[0] + j * layout.Strides[1]];
                    if (!(v >= T.Zero)) throw new ArgumentException("multinomial: invalid multinomial distribution (encountering probability entry < 0)");
                    if (!T.IsFinite(v)) throw new ArgumentException("multinomial: invalid multinomial distribution (encountering probability entry = infinity or NaN)");
                    sum += v;
                    cum[j] = sum;
                }
                if (!(sum > T.Zero)) throw new ArgumentException("multinomial: invalid multinomial distribution (sum of probabilities <= 0)");
                for (int j = 0; j < cats; j++) cum[j] /= sum;
                cum[cats - 1] = T.One;
                for (int s = 0; s < samples; s++)
                {
                    double u = gen.UniformDouble();
                    int left = 0, right = cats;
                    while (right - left > 0)
                    {
                        int mid = left + (right - left) / 2;
                        if (double.CreateTruncating(cum[mid]) < u) left = mid + 1; else right = mid;
                    }
                    result[(long)i * samples + s] = left;
                }
            }
        }
    }
}
