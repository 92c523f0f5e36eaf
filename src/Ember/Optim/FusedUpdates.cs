using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

using Ember.Backends.Cpu;

namespace Ember.Optim;

/// <summary>
/// One-pass CPU updates for every optimizer, used when the parameter, its
/// gradient and its state are contiguous CPU tensors of one floating dtype (the usual case). They do
/// per element exactly the operations of PyTorch's single-tensor code, in the parameter's precision,
/// with PyTorch's CPU rounding: <c>a.add_(b, alpha=s)</c> and <c>a.addcmul_(b, c, value=s)</c> are
/// fused multiply-adds there (one rounding), <c>addcdiv_</c> is <c>a + (s * b) / c</c>; so the
/// trajectories equal PyTorch 1.13's bit for bit (tested). Other layouts take the tensor-operation
/// path, which agrees to a few ulps.
/// </summary>
internal static class FusedUpdates
{
    /// <summary>True when every tensor is a contiguous CPU tensor with <paramref name="p"/>'s dtype and element count.</summary>
    public static bool Eligible(Tensor p, Tensor grad, params ReadOnlySpan<Tensor?> state)
    {
        if (p.Device.Type != DeviceType.Cpu || !p.IsContiguous() || !p.DType.IsFloatingPoint()) return false;
        if (!Same(p, grad)) return false;
        foreach (var s in state) if (s is not null && !Same(p, s)) return false;
        return true;

        static bool Same(Tensor p, Tensor t) => t.DType == p.DType && t.Device.Type == DeviceType.Cpu && t.IsContiguous()
            && t.Layout.NumElements == p.Layout.NumElements && !ReferenceEquals(t.Storage, p.Storage);
    }

    /// <summary>SGD; <paramref name="freshBuffer"/>: the momentum buffer was just created and receives the first direction.</summary>
    public static void Sgd(Tensor p, Tensor grad, Tensor? buf, bool freshBuffer, double lr, double momentum, double dampening,
        double weightDecay, bool nesterov, bool maximize)
    {
        if (p.DType == DType.Float32) Sgd<float>(p, grad, buf, freshBuffer, lr, momentum, dampening, weightDecay, nesterov, maximize);
        else Sgd<double>(p, grad, buf, freshBuffer, lr, momentum, dampening, weightDecay, nesterov, maximize);
        p.BumpVersion();
        buf?.BumpVersion();
    }

    private static void Sgd<T>(Tensor pt, Tensor gt, Tensor? bt, bool fresh, double lr, double momentum, double dampening,
        double weightDecay, bool nesterov, bool maximize) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Span<T> p = pt.AsSpan<T>(), buf = bt is null ? default : bt.AsSpan<T>();
        ReadOnlySpan<T> g = gt.AsSpan<T>();
        T wd = T.CreateTruncating(weightDecay), mom = T.CreateTruncating(momentum), oneMinusDamp = T.CreateTruncating(1 - dampening);
        T negLr = T.CreateTruncating(-lr);
        bool useWd = weightDecay != 0, useMom = momentum != 0;
        int i = 0;
        if (Avx512F.IsSupported && p.Length >= Vector512<T>.Count)
        {
            // The same fused multiply-adds as the scalar loop below, sixteen (eight) lanes at a time,
            // so results are bit-identical; the flags are loop-invariant branches.
            var vWd = Vector512.Create(wd); var vMom = Vector512.Create(mom);
            var vDamp = Vector512.Create(oneMinusDamp); var vLr = Vector512.Create(negLr);
            ref T p0 = ref MemoryMarshal.GetReference(p);
            ref T g0 = ref MemoryMarshal.GetReference(g);
            ref T b0 = ref MemoryMarshal.GetReference(buf);
            for (; i <= p.Length - Vector512<T>.Count; i += Vector512<T>.Count)
            {
                nuint at = (nuint)i;
                var d = Vector512.LoadUnsafe(ref g0, at);
                if (maximize) d = -d;
                var pv = Vector512.LoadUnsafe(ref p0, at);
                if (useWd) d = Simd.Fma(pv, vWd, d);
                if (useMom)
                {
                    var b = fresh ? d : Simd.Fma(d, vDamp, Vector512.LoadUnsafe(ref b0, at) * vMom);
                    b.StoreUnsafe(ref b0, at);
                    d = nesterov ? Simd.Fma(b, vMom, d) : b;
                }
                Simd.Fma(d, vLr, pv).StoreUnsafe(ref p0, at);
            }
        }
        for (; i < p.Length; i++)
        {
            T d = maximize ? -g[i] : g[i];
            if (useWd) d = T.FusedMultiplyAdd(p[i], wd, d);
            if (useMom)
            {
                T b = fresh ? d : T.FusedMultiplyAdd(d, oneMinusDamp, buf[i] * mom);
                buf[i] = b;
                d = nesterov ? T.FusedMultiplyAdd(b, mom, d) : b;
            }
            p[i] = T.FusedMultiplyAdd(d, negLr, p[i]);
        }
    }

    /// <summary>Adam / AdamW (<paramref name="decoupled"/>), with AMSGrad when <paramref name="maxExpAvgSq"/> is given.</summary>
    public static void Adam(Tensor p, Tensor grad, Tensor expAvg, Tensor expAvgSq, Tensor? maxExpAvgSq, bool maximize, bool decoupled,
        double lr, double weightDecay, double beta1, double beta2, double biasCorrection2Sqrt, double eps, double stepSize)
    {
        if (p.DType == DType.Float32) Adam<float>(p, grad, expAvg, expAvgSq, maxExpAvgSq, maximize, decoupled, lr, weightDecay, beta1, beta2, biasCorrection2Sqrt, eps, stepSize);
        else Adam<double>(p, grad, expAvg, expAvgSq, maxExpAvgSq, maximize, decoupled, lr, weightDecay, beta1, beta2, biasCorrection2Sqrt, eps, stepSize);
        p.BumpVersion();
        expAvg.BumpVersion();
        expAvgSq.BumpVersion();
        maxExpAvgSq?.BumpVersion();
    }

    private static void Adam<T>(Tensor pt, Tensor gt, Tensor mt, Tensor vt, Tensor? mxt, bool maximize, bool decoupled,
        double lr, double weightDecay, double beta1, double beta2, double biasCorrection2Sqrt, double eps, double stepSize)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Span<T> p = pt.AsSpan<T>(), m = mt.AsSpan<T>(), v = vt.AsSpan<T>(), mx = mxt is null ? default : mxt.AsSpan<T>();
        ReadOnlySpan<T> g = gt.AsSpan<T>();
        bool amsgrad = mxt is not null, l2 = !decoupled && weightDecay != 0;
        T wd = T.CreateTruncating(weightDecay), shrink = T.CreateTruncating(1 - lr * weightDecay);
        T b1 = T.CreateTruncating(beta1), oneMinusB1 = T.CreateTruncating(1 - beta1);
        T b2 = T.CreateTruncating(beta2), oneMinusB2 = T.CreateTruncating(1 - beta2);
        T bc2 = T.CreateTruncating(biasCorrection2Sqrt), e = T.CreateTruncating(eps), negStep = T.CreateTruncating(-stepSize);
        for (int i = 0; i < p.Length; i++)
        {
            T gi = maximize ? -g[i] : g[i];
            T pi = p[i];
            if (decoupled) pi *= shrink;
            else if (l2) gi = T.FusedMultiplyAdd(pi, wd, gi);
            T mi = T.FusedMultiplyAdd(gi, oneMinusB1, m[i] * b1);
            T vi = T.FusedMultiplyAdd(oneMinusB2 * gi, gi, v[i] * b2);
            m[i] = mi;
            v[i] = vi;
            T s = vi;
            if (amsgrad)
            {
                T old = mx[i];
                s = T.IsNaN(old) || T.IsNaN(vi) ? T.NaN : T.Max(old, vi);
                mx[i] = s;
            }
            T denom = T.Sqrt(s) / bc2 + e;
            p[i] = pi + negStep * mi / denom;
        }
    }

    private static T C<T>(double v) where T : IFloatingPointIeee754<T> => T.CreateTruncating(v);

    // PyTorch's maximum/amax: NaN wins.
    private static T NanMax<T>(T a, T b) where T : IFloatingPointIeee754<T> => T.IsNaN(a) || T.IsNaN(b) ? T.NaN : T.Max(a, b);

    private static void Bump(params ReadOnlySpan<Tensor?> ts) { foreach (var t in ts) t?.BumpVersion(); }

    /// <summary>Adagrad.</summary>
    public static void Adagrad(Tensor p, Tensor grad, Tensor sum, bool maximize, double weightDecay, double clr, double eps)
    {
        if (p.DType == DType.Float32) Adagrad<float>(p, grad, sum, maximize, weightDecay, clr, eps);
        else Adagrad<double>(p, grad, sum, maximize, weightDecay, clr, eps);
        Bump(p, sum);
    }

    private static void Adagrad<T>(Tensor pt, Tensor gt, Tensor st, bool maximize, double weightDecay, double clr, double eps)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Span<T> p = pt.AsSpan<T>(), sum = st.AsSpan<T>();
        ReadOnlySpan<T> g = gt.AsSpan<T>();
        T wd = C<T>(weightDecay), negClr = C<T>(-clr), e = C<T>(eps);
        bool l2 = weightDecay != 0;
        for (int i = 0; i < p.Length; i++)
        {
            T gi = maximize ? -g[i] : g[i];
            if (l2) gi = T.FusedMultiplyAdd(p[i], wd, gi);
            T si = T.FusedMultiplyAdd(gi, gi, sum[i]);
            sum[i] = si;
            p[i] += negClr * gi / (T.Sqrt(si) + e);
        }
    }

    /// <summary>RMSprop; <paramref name="buf"/> with momentum, <paramref name="gradAvg"/> when centered.</summary>
    public static void RmsProp(Tensor p, Tensor grad, Tensor squareAvg, Tensor? buf, Tensor? gradAvg, bool maximize,
        double lr, double alpha, double eps, double weightDecay, double momentum)
    {
        if (p.DType == DType.Float32) RmsProp<float>(p, grad, squareAvg, buf, gradAvg, maximize, lr, alpha, eps, weightDecay, momentum);
        else RmsProp<double>(p, grad, squareAvg, buf, gradAvg, maximize, lr, alpha, eps, weightDecay, momentum);
        Bump(p, squareAvg, buf, gradAvg);
    }

    private static void RmsProp<T>(Tensor pt, Tensor gt, Tensor sqt, Tensor? bt, Tensor? gat, bool maximize,
        double lr, double alpha, double eps, double weightDecay, double momentum) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Span<T> p = pt.AsSpan<T>(), sq = sqt.AsSpan<T>(), buf = bt is null ? default : bt.AsSpan<T>(), ga = gat is null ? default : gat.AsSpan<T>();
        ReadOnlySpan<T> g = gt.AsSpan<T>();
        T wd = C<T>(weightDecay), a = C<T>(alpha), oneMinusA = C<T>(1 - alpha), e = C<T>(eps), mom = C<T>(momentum), negLr = C<T>(-lr);
        bool l2 = weightDecay != 0, centered = gat is not null, useMom = bt is not null;
        for (int i = 0; i < p.Length; i++)
        {
            T gi = maximize ? -g[i] : g[i];
            if (l2) gi = T.FusedMultiplyAdd(p[i], wd, gi);
            T si = T.FusedMultiplyAdd(oneMinusA * gi, gi, sq[i] * a);
            sq[i] = si;
            T avg;
            if (centered)
            {
                T gai = T.FusedMultiplyAdd(gi, oneMinusA, ga[i] * a);
                ga[i] = gai;
                avg = T.Sqrt(T.FusedMultiplyAdd(-gai, gai, si));
            }
            else avg = T.Sqrt(si);
            avg += e;
            if (useMom)
            {
                T bi = buf[i] * mom + gi / avg;
                buf[i] = bi;
                p[i] = T.FusedMultiplyAdd(bi, negLr, p[i]);
            }
            else p[i] += negLr * gi / avg;
        }
    }

    /// <summary>Adadelta.</summary>
    public static void Adadelta(Tensor p, Tensor grad, Tensor squareAvg, Tensor accDelta, bool maximize, double lr, double rho, double eps, double weightDecay)
    {
        if (p.DType == DType.Float32) Adadelta<float>(p, grad, squareAvg, accDelta, maximize, lr, rho, eps, weightDecay);
        else Adadelta<double>(p, grad, squareAvg, accDelta, maximize, lr, rho, eps, weightDecay);
        Bump(p, squareAvg, accDelta);
    }

    private static void Adadelta<T>(Tensor pt, Tensor gt, Tensor sqt, Tensor adt, bool maximize, double lr, double rho, double eps, double weightDecay)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Span<T> p = pt.AsSpan<T>(), sq = sqt.AsSpan<T>(), acc = adt.AsSpan<T>();
        ReadOnlySpan<T> g = gt.AsSpan<T>();
        T wd = C<T>(weightDecay), r = C<T>(rho), oneMinusR = C<T>(1 - rho), e = C<T>(eps), negLr = C<T>(-lr);
        bool l2 = weightDecay != 0;
        for (int i = 0; i < p.Length; i++)
        {
            T gi = maximize ? -g[i] : g[i];
            if (l2) gi = T.FusedMultiplyAdd(p[i], wd, gi);
            T si = T.FusedMultiplyAdd(oneMinusR * gi, gi, sq[i] * r);
            sq[i] = si;
            T std = T.Sqrt(si + e);
            T delta = T.Sqrt(acc[i] + e) / std * gi;
            acc[i] = T.FusedMultiplyAdd(oneMinusR * delta, delta, acc[i] * r);
            p[i] = T.FusedMultiplyAdd(delta, negLr, p[i]);
        }
    }

    /// <summary>Adamax.</summary>
    public static void Adamax(Tensor p, Tensor grad, Tensor expAvg, Tensor expInf, bool maximize, double weightDecay, double beta1, double beta2, double eps, double clr)
    {
        if (p.DType == DType.Float32) Adamax<float>(p, grad, expAvg, expInf, maximize, weightDecay, beta1, beta2, eps, clr);
        else Adamax<double>(p, grad, expAvg, expInf, maximize, weightDecay, beta1, beta2, eps, clr);
        Bump(p, expAvg, expInf);
    }

    private static void Adamax<T>(Tensor pt, Tensor gt, Tensor mt, Tensor ut, bool maximize, double weightDecay, double beta1, double beta2, double eps, double clr)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Span<T> p = pt.AsSpan<T>(), m = mt.AsSpan<T>(), u = ut.AsSpan<T>();
        ReadOnlySpan<T> g = gt.AsSpan<T>();
        T wd = C<T>(weightDecay), b1 = C<T>(beta1), oneMinusB1 = C<T>(1 - beta1), b2 = C<T>(beta2), e = C<T>(eps), negClr = C<T>(-clr);
        bool l2 = weightDecay != 0;
        for (int i = 0; i < p.Length; i++)
        {
            T gi = maximize ? -g[i] : g[i];
            if (l2) gi = T.FusedMultiplyAdd(p[i], wd, gi);
            T mi = T.FusedMultiplyAdd(gi, oneMinusB1, m[i] * b1);
            m[i] = mi;
            T ui = NanMax(u[i] * b2, T.Abs(gi) + e);
            u[i] = ui;
            p[i] += negClr * mi / ui;
        }
    }

    /// <summary>NAdam; <paramref name="s1"/> and <paramref name="s2"/> are the two addcdiv coefficients.</summary>
    public static void NAdam(Tensor p, Tensor grad, Tensor expAvg, Tensor expAvgSq, double weightDecay, double beta1, double beta2,
        double biasCorrection2, double eps, double s1, double s2)
    {
        if (p.DType == DType.Float32) NAdam<float>(p, grad, expAvg, expAvgSq, weightDecay, beta1, beta2, biasCorrection2, eps, s1, s2);
        else NAdam<double>(p, grad, expAvg, expAvgSq, weightDecay, beta1, beta2, biasCorrection2, eps, s1, s2);
        Bump(p, expAvg, expAvgSq);
    }

    private static void NAdam<T>(Tensor pt, Tensor gt, Tensor mt, Tensor vt, double weightDecay, double beta1, double beta2,
        double biasCorrection2, double eps, double s1, double s2) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Span<T> p = pt.AsSpan<T>(), m = mt.AsSpan<T>(), v = vt.AsSpan<T>();
        ReadOnlySpan<T> g = gt.AsSpan<T>();
        T wd = C<T>(weightDecay), b1 = C<T>(beta1), oneMinusB1 = C<T>(1 - beta1), b2 = C<T>(beta2), oneMinusB2 = C<T>(1 - beta2);
        T bc2 = C<T>(biasCorrection2), e = C<T>(eps), c1 = C<T>(s1), c2 = C<T>(s2);
        bool l2 = weightDecay != 0;
        for (int i = 0; i < p.Length; i++)
        {
            T gi = g[i];
            T pi = p[i];
            if (l2) gi = T.FusedMultiplyAdd(pi, wd, gi);
            T mi = T.FusedMultiplyAdd(gi, oneMinusB1, m[i] * b1);
            T vi = T.FusedMultiplyAdd(oneMinusB2 * gi, gi, v[i] * b2);
            m[i] = mi;
            v[i] = vi;
            T denom = T.Sqrt(vi / bc2) + e;
            pi += c1 * gi / denom;
            p[i] = pi + c2 * mi / denom;
        }
    }

    /// <summary>RAdam; <paramref name="rect"/> is null while the variance is intractable (rho_t &lt;= 5).</summary>
    public static void RAdam(Tensor p, Tensor grad, Tensor expAvg, Tensor expAvgSq, double weightDecay, double beta1, double beta2,
        double biasCorrection1, double biasCorrection2Sqrt, double eps, double lr, double? rect)
    {
        if (p.DType == DType.Float32) RAdam<float>(p, grad, expAvg, expAvgSq, weightDecay, beta1, beta2, biasCorrection1, biasCorrection2Sqrt, eps, lr, rect);
        else RAdam<double>(p, grad, expAvg, expAvgSq, weightDecay, beta1, beta2, biasCorrection1, biasCorrection2Sqrt, eps, lr, rect);
        Bump(p, expAvg, expAvgSq);
    }

    private static void RAdam<T>(Tensor pt, Tensor gt, Tensor mt, Tensor vt, double weightDecay, double beta1, double beta2,
        double biasCorrection1, double biasCorrection2Sqrt, double eps, double lr, double? rect) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Span<T> p = pt.AsSpan<T>(), m = mt.AsSpan<T>(), v = vt.AsSpan<T>();
        ReadOnlySpan<T> g = gt.AsSpan<T>();
        T wd = C<T>(weightDecay), b1 = C<T>(beta1), oneMinusB1 = C<T>(1 - beta1), b2 = C<T>(beta2), oneMinusB2 = C<T>(1 - beta2);
        T bc1 = C<T>(biasCorrection1), bc2Sqrt = C<T>(biasCorrection2Sqrt), e = C<T>(eps), l = C<T>(lr), r = C<T>(rect ?? 0);
        bool l2 = weightDecay != 0, rectified = rect is not null;
        for (int i = 0; i < p.Length; i++)
        {
            T gi = g[i];
            if (l2) gi = T.FusedMultiplyAdd(p[i], wd, gi);
            T mi = T.FusedMultiplyAdd(gi, oneMinusB1, m[i] * b1);
            T vi = T.FusedMultiplyAdd(oneMinusB2 * gi, gi, v[i] * b2);
            m[i] = mi;
            v[i] = vi;
            T update = mi / bc1 * l;
            if (rectified) update = update * (T.One / (T.Sqrt(vi) + e) * bc2Sqrt) * r;
            p[i] -= update;
        }
    }
}
