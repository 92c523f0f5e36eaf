using Ember.NN;

namespace Ember.Serialization.Import;

/// <summary>Pointwise operators, activations, matrix products, comparisons, casts and reductions.</summary>
internal static partial class ImportOps
{
    private static void AddMath(Dictionary<string, Func<NodeContext, Kernel>> t)
    {
        t["Identity"] = Unary(x => x);
        t["Relu"] = Unary(x => x.Relu());
        t["Sigmoid"] = Unary(x => x.Sigmoid());
        t["Tanh"] = Unary(x => x.Tanh());
        t["Exp"] = Unary(x => x.Exp());
        t["Log"] = Unary(x => x.Log());
        t["Sqrt"] = Unary(x => x.Sqrt());
        t["Neg"] = Unary(x => x.Neg());
        t["Abs"] = Unary(x => x.Abs());
        t["Erf"] = Unary(x => x.Erf());
        t["Reciprocal"] = Unary(x => x.Reciprocal());
        t["Floor"] = Unary(x => x.Floor());
        t["Ceil"] = Unary(x => x.Ceil());
        t["Round"] = Unary(x => x.Round());
        t["Sign"] = Unary(x => x.Sign());
        t["Sin"] = Unary(x => x.Sin());
        t["Cos"] = Unary(x => x.Cos());
        t["Not"] = Unary(x => x.LogicalNot());
        t["Softplus"] = Unary(x => F.Softplus(x));
        t["Softsign"] = Unary(x => x / (x.Abs() + 1));
        t["LeakyRelu"] = n => { n.Known("alpha"); double a = n.Float("alpha", 0.01f); return One(n, 1, 1, x => F.LeakyRelu(In(x, 0), a)); };
        t["Elu"] = n => { n.Known("alpha"); double a = n.Float("alpha", 1f); return One(n, 1, 1, x => F.Elu(In(x, 0), a)); };
        t["Selu"] = n =>
        {
            n.Known("alpha", "gamma");
            double a = n.Float("alpha", 1.67326319217681884765625f), g = n.Float("gamma", 1.05070102214813232421875f);
            return One(n, 1, 1, x => { var v = In(x, 0); return Tensor.Where(v.Gt(Scalar(0, v.DType)), v * g, (v.Exp() - 1) * (a * g)); });
        };
        t["HardSigmoid"] = n =>
        {
            n.Known("alpha", "beta");
            double a = n.Float("alpha", 0.2f), b = n.Float("beta", 0.5f);
            return One(n, 1, 1, x => HardSigmoid(In(x, 0), a, b));
        };
        t["HardSwish"] = n => { n.Known(); return One(n, 1, 1, x => In(x, 0) * HardSigmoid(In(x, 0), 1.0 / 6, 0.5)); };
        t["Gelu"] = n =>
        {
            n.Known("approximate");
            string approx = n.String("approximate", "none");
            if (approx is not ("none" or "tanh")) throw n.Bad($"has approximate=\"{approx}\"; expected \"none\" or \"tanh\"");
            return One(n, 1, 1, x => F.Gelu(In(x, 0), approx));
        };
        t["Clip"] = n =>
        {
            n.Known();
            return One(n, 1, 3, x =>
            {
                var v = In(x, 0);
                var lo = Opt(x, 1);
                var hi = Opt(x, 2);
                return lo is null && hi is null ? v : v.Clamp(lo, hi);
            });
        };
        t["Softmax"] = n => SoftmaxLike(n, (x, d) => F.Softmax(x, d));
        t["LogSoftmax"] = n => SoftmaxLike(n, (x, d) => F.LogSoftmax(x, d));

        t["Add"] = Binary((a, b) => a + b);
        t["Sub"] = Binary((a, b) => a - b);
        t["Mul"] = Binary((a, b) => a * b);
        // ONNX divides integers with truncation, as C does; Ember's Div is true division, as PyTorch's.
        t["Div"] = Binary((a, b) => a.DType.IsFloatingPoint() ? a / b : a.Div(b, "trunc"));
        t["Pow"] = Binary((a, b) => { var r = a.Pow(b); return r.DType == a.DType ? r : r.To(a.DType); });
        t["Equal"] = Binary((a, b) => a.Eq(b));
        t["Less"] = Binary((a, b) => a.Lt(b));
        t["LessOrEqual"] = Binary((a, b) => a.Le(b));
        t["Greater"] = Binary((a, b) => a.Gt(b));
        t["GreaterOrEqual"] = Binary((a, b) => a.Ge(b));
        t["And"] = Binary((a, b) => a.LogicalAnd(b));
        t["Or"] = Binary((a, b) => a.LogicalOr(b));
        t["Xor"] = Binary((a, b) => a.Ne(b));
        t["Max"] = Variadic((a, b) => a.Maximum(b));
        t["Min"] = Variadic((a, b) => a.Minimum(b));
        t["Sum"] = Variadic((a, b) => a + b);
        t["Mean"] = n =>
        {
            var sum = Variadic((a, b) => a + b)(n);
            int count = n.Node.Input.Count;
            return x => [sum(x)[0] / count];
        };
        t["Where"] = n =>
        {
            n.Known();
            return One(n, 3, 3, x =>
            {
                var c = In(x, 0);
                if (c.DType != DType.Bool) throw new ArgumentException($"the condition must be bool, got {c.DType.TorchName()}.");
                return Tensor.Where(c, In(x, 1), In(x, 2));
            });
        };
        t["MatMul"] = n => { n.Known(); return One(n, 2, 2, x => In(x, 0).MatMul(In(x, 1))); };
        t["Gemm"] = Gemm;
        t["Cast"] = n =>
        {
            n.Known("to", "saturate");
            if (!n.Has("to")) throw n.Bad("has no 'to' attribute");
            var to = OnnxTensorReader.Require(n.SmallInt("to", 0), n.Label + "'s target type");
            return One(n, 1, 1, x => In(x, 0).To(to));
        };
        t["CastLike"] = n => { n.Known("saturate"); return One(n, 2, 2, x => In(x, 0).To(In(x, 1).DType)); };

        t["ReduceSum"] = n => Reduce(n, axesAsInputFrom: 13, (x, d, k) => x.Sum(d, k));
        t["ReduceMean"] = n => Reduce(n, axesAsInputFrom: 18, (x, d, k) => x.Mean(d, k));
        t["ReduceMax"] = n => Reduce(n, axesAsInputFrom: 18, (x, d, k) => x.Amax(d, k));
        t["ReduceMin"] = n => Reduce(n, axesAsInputFrom: 18, (x, d, k) => x.Amin(d, k));
        t["ReduceProd"] = n => Reduce(n, axesAsInputFrom: 18, (x, d, k) =>
        {
            for (int i = d.Length - 1; i >= 0; i--) x = x.Prod(d[i], keepDim: k);
            return x;
        });
        t["ReduceSumSquare"] = n => Reduce(n, axesAsInputFrom: 18, (x, d, k) => (x * x).Sum(d, k));
        t["ReduceL1"] = n => Reduce(n, axesAsInputFrom: 18, (x, d, k) => x.Abs().Sum(d, k));
        t["ReduceL2"] = n => Reduce(n, axesAsInputFrom: 18, (x, d, k) => (x * x).Sum(d, k).Sqrt());
        t["ReduceLogSumExp"] = n => Reduce(n, axesAsInputFrom: 18, (x, d, k) => x.LogSumExp(d, k));
        t["ArgMax"] = n => ArgReduce(n, (x, d, k) => x.ArgMax(d, k));
        t["ArgMin"] = n => ArgReduce(n, (x, d, k) => x.ArgMin(d, k));
    }

    private static Tensor HardSigmoid(Tensor x, double alpha, double beta) =>
        (x * alpha + beta).Clamp(Scalar(0, x.DType), Scalar(1, x.DType));

    /// <summary>A converter for a node with inputs in [min, max] and one output.</summary>
    private static Kernel One(NodeContext n, int min, int max, Func<Tensor?[], Tensor> f)
    {
        n.Inputs(min, max);
        n.Outputs(1);
        return x => [f(x)];
    }

    private static Func<NodeContext, Kernel> Unary(Func<Tensor, Tensor> f) => n =>
    {
        n.Known();
        return One(n, 1, 1, x => f(In(x, 0)));
    };

    private static Func<NodeContext, Kernel> Binary(Func<Tensor, Tensor, Tensor> f) => n =>
    {
        n.Known();
        return One(n, 2, 2, x => f(In(x, 0), In(x, 1)));
    };

    private static Func<NodeContext, Kernel> Variadic(Func<Tensor, Tensor, Tensor> f) => n =>
    {
        n.Known();
        n.Inputs(1, int.MaxValue);
        for (int i = 0; i < n.Node.Input.Count; i++)
            if (n.Node.Input[i].Length == 0) throw n.Bad($"leaves input {i} empty");
        n.Outputs(1);
        return x =>
        {
            var r = In(x, 0);
            for (int i = 1; i < x.Length; i++) r = f(r, In(x, i));
            return [r];
        };
    };

    private static Kernel SoftmaxLike(NodeContext n, Func<Tensor, int, Tensor> f)
    {
        n.Known("axis");
        long axis = n.Int("axis", -1);
        return One(n, 1, 1, x =>
        {
            var v = In(x, 0);
            return f(v, Axis(axis, Math.Max(v.NDim, 1), "axis"));
        });
    }

    private static Kernel Gemm(NodeContext n)
    {
        n.Known("alpha", "beta", "transA", "transB");
        double alpha = n.Float("alpha", 1f), beta = n.Float("beta", 1f);
        bool ta = n.Flag("transA", false), tb = n.Flag("transB", false);
        return One(n, 2, 3, x =>
        {
            Tensor a = In(x, 0), b = In(x, 1);
            var c = Opt(x, 2);
            if (a.NDim != 2 || b.NDim != 2) throw new ArgumentException($"Gemm takes 2-D A and B, got shapes {a.Shape} and {b.Shape}.");
            // The common x Wᵀ + b is a linear layer: one GEMM with the bias in its epilogue, as PyTorch computes it.
            if (!ta && tb && alpha == 1 && beta == 1 && (c is null || c.NDim == 1))
                return F.Linear(a, b, c);
            var y = (ta ? a.T : a).MatMul(tb ? b.T : b);
            if (alpha != 1) y = y * alpha;
            if (c is not null) y = y + (beta == 1 ? c : c * beta);
            return y;
        });
    }

    private static Kernel Reduce(NodeContext n, int axesAsInputFrom, Func<Tensor, int[], bool, Tensor> f)
    {
        bool axesInput = n.Opset >= axesAsInputFrom;
        n.Known(axesInput ? ["keepdims", "noop_with_empty_axes"] : ["axes", "keepdims"]);
        bool keep = n.Flag("keepdims", true);
        bool noop = axesInput && n.Flag("noop_with_empty_axes", false);
        long[]? attr = axesInput ? null : n.Longs("axes");
        return One(n, 1, axesInput ? 2 : 1, x =>
        {
            var v = In(x, 0);
            long[]? axes = AxesOf(n, x, 1, attr);
            if (axes is null || axes.Length == 0)
            {
                if (noop) return v;
                axes = Enumerable.Range(0, v.NDim).Select(i => (long)i).ToArray();
            }
            if (v.NDim == 0) return f(v.Reshape(1), [0], false);
            return f(v, Dims(axes, v.NDim, "axis"), keep);
        });
    }

    private static Kernel ArgReduce(NodeContext n, Func<Tensor, int, bool, Tensor> f)
    {
        n.Known("axis", "keepdims", "select_last_index");
        long axis = n.Int("axis", 0);
        bool keep = n.Flag("keepdims", true);
        if (n.Flag("select_last_index", false)) throw n.Unsupported("select_last_index=1");
        return One(n, 1, 1, x =>
        {
            var v = In(x, 0);
            return f(v, Axis(axis, Math.Max(v.NDim, 1), "axis"), keep);
        });
    }
}
