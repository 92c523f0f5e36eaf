using Ember.Optim;
using Xunit;

namespace Ember.Tests.Optim;

/// <summary>Every optimizer and option against PyTorch 1.13 trajectories (tests/golden/optim.py).</summary>
public class OptimGoldenTests
{
    public static TheoryData<string, string> Cases()
    {
        var d = new TheoryData<string, string>();
        foreach (var dt in new[] { "float32", "float64" })
        {
            foreach (var n in OptimCases.Single.Keys) d.Add(n, dt);
            foreach (var n in OptimCases.Groups.Keys) d.Add(n, dt);
        }
        return d;
    }

    /// <summary>Contiguous parameters take the one-pass path, which reproduces PyTorch's CPU rounding: bit for bit.</summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void TrajectoryMatchesPyTorch(string name, string dtype) => Run(name, dtype, nonContiguous: false);

    /// <summary>Non-contiguous parameters take the tensor-operation path: within a few ulps.</summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void TrajectoryMatchesPyTorchNonContiguous(string name, string dtype) => Run(name, dtype, nonContiguous: true);

    private static void Run(string name, string dtype, bool nonContiguous)
    {
        var dt = dtype == "float32" ? DType.Float32 : DType.Float64;
        var g = Golden.Load("optim");
        var ps = OptimCases.InitialParams(dt);
        if (nonContiguous)
        {
            ps = ps.Select(p => TestViews.NonContiguous(p.Detach()).RequiresGrad_()).ToList();
            Assert.All(ps, p => Assert.False(p.IsContiguous()));
        }
        var opt = OptimCases.Make(name, ps);
        bool groups = OptimCases.Groups.ContainsKey(name);
        double rtol = !nonContiguous ? 0 : dt == DType.Float32 ? 1e-5 : 1e-11, atol = !nonContiguous ? 0 : dt == DType.Float32 ? 1e-6 : 1e-13;
        for (int s = 0; s < OptimCases.Steps; s++)
        {
            OptimCases.SetGrads(ps, dt, s, skipP1AtStep2: groups);
            opt.Step();
            for (int i = 0; i < ps.Count; i++)
            {
                var expected = g[$"{name}.{dtype}.p{i}"][s];
                try { TensorAssert.Close(expected, ps[i].Detach(), rtol, atol); }
                catch (Exception e) { throw new Xunit.Sdk.XunitException($"{name} {dtype} p{i} after step {s + 1}: {e.Message}"); }
            }
        }
        // The state after the last step: PyTorch's keys, values and dtypes.
        for (int i = 0; i < ps.Count; i++)
        {
            string prefix = $"{name}.{dtype}.p{i}.";
            var expectedKeys = g.Names.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).Select(k => k[prefix.Length..]).OrderBy(k => k, StringComparer.Ordinal).ToList();
            // SGD without momentum keeps no state (PyTorch stores momentum_buffer = None).
            var state = opt.State.TryGetValue(ps[i], out var st) ? st : [];
            Assert.Equal(expectedKeys, state.Keys.OrderBy(k => k, StringComparer.Ordinal).ToList());
            foreach (var k in expectedKeys)
            {
                var expected = g[prefix + k];
                switch (state[k])
                {
                    case Tensor t: TensorAssert.Close(expected, t, rtol, atol); break;
                    case long n: Assert.Equal(expected.Item<double>(), n); break;
                    default: throw new Xunit.Sdk.XunitException($"{name}: state '{k}' is {state[k].GetType().Name}");
                }
            }
        }
    }
}
