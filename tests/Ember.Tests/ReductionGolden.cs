using System.Globalization;
using Xunit;

namespace Ember.Tests;

/// <summary>
/// Replays the cases of <c>tests/golden/reductions.py</c>. A case's name says the call:
/// <c>case|OP|INPUT|VIEW|ARGS</c> (see the script); tuple results are stored as <c>#0</c> (values) and <c>#1</c> (indices).
/// </summary>
internal static class ReductionGolden
{
    public static Golden G => Golden.Load("reductions");

    public static IEnumerable<object[]> Cases(Func<string, bool> op) =>
        G.Names.Where(n => n.StartsWith("case|", StringComparison.Ordinal))
            .Select(n => n.Split('#')[0]).Distinct()
            .Where(n => op(n.Split('|')[1]))
            .OrderBy(n => n, StringComparer.Ordinal)
            .Select(n => new object[] { n });

    public static Tensor Input(string inp, string view)
    {
        var x = G["in|" + inp];
        return view switch
        {
            "c" => x,
            "p" => x.NDim == 3 ? TestViews.Permuted(x, 2, 0, 1) : TestViews.Permuted(x, Enumerable.Range(0, x.NDim).Reverse().ToArray()),
            "nc" => TestViews.NonContiguous(x),
            _ => throw new ArgumentException(view),
        };
    }

    public static Dictionary<string, string> Args(string s) =>
        s.Length == 0 ? new() : s.Split(';').Select(kv => kv.Split('=')).ToDictionary(p => p[0], p => p[1]);

    private static int[]? DimsOf(Dictionary<string, string> a) =>
        !a.TryGetValue("dims", out var s) ? null : s.Length == 0 ? [] : s.Split(',').Select(int.Parse).ToArray();

    private static DType? DTypeOf(Dictionary<string, string> a) =>
        !a.TryGetValue("dtype", out var s) ? null : s switch { "f32" => DType.Float32, "f64" => DType.Float64, "i64" => DType.Int64, _ => throw new ArgumentException(s) };

    private static double Num(string s) => s switch
    {
        "inf" => double.PositiveInfinity, "-inf" => double.NegativeInfinity,
        _ => double.Parse(s, CultureInfo.InvariantCulture),
    };

    /// <summary>Runs one case; returns a tensor or a (values, indices) pair.</summary>
    public static object Run(string op, Tensor x, Dictionary<string, string> a)
    {
        bool keep = a.GetValueOrDefault("keep") == "1";
        int[]? dims = DimsOf(a);
        int? dim = a.TryGetValue("dim", out var ds) ? int.Parse(ds) : null;
        DType? dtype = DTypeOf(a);
        switch (op)
        {
            case "sum": return dims is not null ? x.Sum(dims, keep, dtype) : dim is { } d1 ? x.Sum(d1, keep, dtype) : x.Sum(dtype);
            case "mean": return dims is not null ? x.Mean(dims, keep, dtype) : dim is { } d2 ? x.Mean(d2, keep, dtype) : x.Mean(dtype);
            case "prod": return dim is { } d3 ? x.Prod(d3, keep) : x.Prod();
            case "max": return dim is { } d4 ? x.Max(d4, keep) : x.Max();
            case "min": return dim is { } d5 ? x.Min(d5, keep) : x.Min();
            case "amax": return x.Amax(dims!, keep);
            case "amin": return x.Amin(dims!, keep);
            case "argmax": return dim is { } d6 ? x.ArgMax(d6, keep) : x.ArgMax();
            case "argmin": return dim is { } d7 ? x.ArgMin(d7, keep) : x.ArgMin();
            case "var": return x.Var(dims, Num(a.GetValueOrDefault("corr", "1")), keep);
            case "std": return x.Std(dims, Num(a.GetValueOrDefault("corr", "1")), keep);
            case "logsumexp": return x.LogSumExp(dims!, keep);
            case "norm": return x.Norm(Num(a.GetValueOrDefault("p", "2")), dims, keep);
            case "cumsum": return x.CumSum(dim!.Value, dtype);
            case "cumprod": return x.CumProd(dim!.Value, dtype);
            case "all": return dim is { } d8 ? x.All(d8, keep) : x.All();
            case "any": return dim is { } d9 ? x.Any(d9, keep) : x.Any();
            case "sort": return x.Sort(dim ?? -1, a.GetValueOrDefault("desc") == "1", stable: true);
            case "median": return dim is { } d10 ? x.Median(d10, keep) : x.Median();
            case "topk": return x.TopK(int.Parse(a["k"]), dim ?? -1, a.GetValueOrDefault("largest", "1") == "1");
            default: throw new ArgumentException(op);
        }
    }

    public static void Check(string name)
    {
        var p = name.Split('|');
        string op = p[1];
        var x = Input(p[2], p[3]);
        var r = Run(op, x, Args(p[4]));
        if (r is Tensor t)
        {
            TensorAssert.Close(G[name], t);
            return;
        }
        var (values, indices) = (ValuesIndices)r;
        TensorAssert.Close(G[name + "#0"], values);
        if (op is "topk" or "median")
        {
            var args = Args(p[4]);
            int dim = args.TryGetValue("dim", out var d) ? int.Parse(d) : -1;
            bool keep = args.GetValueOrDefault("keep") == "1";
            if (op == "median" && p[2] is not ("i64" or "tie32"))
                TensorAssert.Equal(G[name + "#1"], indices); // no ties: the position is determined
            else if (op == "median" && x.NDim > 0)
            {
                // Median drops the dim: compare picks with keepdim-shaped values and indices.
                int ax = dim < 0 ? dim + x.NDim : dim;
                if (!keep) { values = Unsqueeze(values, ax); indices = Unsqueeze(indices, ax); }
                Assert.Equal(G[name + "#1"].Shape, keep ? indices.Shape : Squeeze(indices, ax).Shape);
                CheckPicks(x, dim, values, indices, indices);
            }
            else CheckPicks(x, dim, values, indices, G[name + "#1"]);
        }
        else TensorAssert.Equal(G[name + "#1"], indices);
    }

    private static Tensor Unsqueeze(Tensor t, int ax) { var c = t.Contiguous(); return c.WithLayout(c.Layout.Unsqueeze(ax)); }

    private static Tensor Squeeze(Tensor t, int ax) => t.WithLayout(t.Layout.SqueezeDim(ax));

    /// <summary>
    /// top-k indices among ties are unspecified in PyTorch: check that each index points at its value
    /// instead of comparing indices, and that the shapes and dtype match.
    /// </summary>
    private static void CheckPicks(Tensor x, int dim, Tensor values, Tensor indices, Tensor expectedIdx)
    {
        Assert.Equal(expectedIdx.Shape, indices.Shape);
        Assert.Equal(DType.Int64, indices.DType);
        if (x.NDim == 0) { Assert.Equal(0L, indices.Item<long>()); return; }
        int r = x.NDim, ax = dim < 0 ? dim + r : dim;
        var perm = Enumerable.Range(0, r).Where(i => i != ax).Append(ax).ToArray();
        var xs = TestViews.Permuted(x, perm).ToArray<double>();
        var vs = TestViews.Permuted(values, perm).ToArray<double>();
        var ix = TestViews.Permuted(indices, perm).ToArray<long>();
        int n = x.Shape[ax], k = values.Shape[ax];
        for (int line = 0; line * k < vs.Length; line++)
            for (int i = 0; i < k; i++)
            {
                double want = vs[line * k + i], got = xs[line * n + (int)ix[line * k + i]];
                Assert.True(want.Equals(got), $"topk: index {ix[line * k + i]} holds {got}, expected {want}");
            }
    }
}
