using System.Globalization;
using Ember.Backends;

namespace Ember;

// Random sampling: creation (rand, randn, randint, randperm, *_like) and in-place fills
// (uniform_, normal_, random_, bernoulli_). After the same seed these give PyTorch's CPU numbers;
// see Generator and CpuBackend.Random.cs for how.
public partial class Tensor
{
    /// <summary>
    /// Seeds the default generator (<c>torch.manual_seed</c>). Negative seeds wrap to 2^64 + seed, as in PyTorch.
    /// </summary>
    public static Generator ManualSeed(long seed) => Generator.Default.ManualSeed(seed);

    /// <summary>
    /// Uniform samples from [0, 1) (<c>torch.rand</c>); float32 unless <paramref name="dtype"/> names
    /// another floating type. A float32 value takes 24 bits of one 32-bit draw, a float64 value 53
    /// bits of a 64-bit draw.
    /// </summary>
    public static Tensor Rand(ReadOnlySpan<int> shape, Generator? generator = null, DType? dtype = null, Device? device = null)
    {
        var t = AllocRandom(shape, dtype ?? DTypes.DefaultFloat, device, "rand", floatOnly: true);
        return t.Uniform_(0, 1, generator);
    }

    /// <summary>Uniform samples from [0, 1) (<c>torch.rand(2, 3)</c>).</summary>
    public static Tensor Rand(params int[] shape) => Rand(shape.AsSpan());

    /// <summary>
    /// Standard normal samples (<c>torch.randn</c>), float32 unless <paramref name="dtype"/> says otherwise.
    /// </summary>
    /// <remarks>
    /// As PyTorch's CPU kernel: a contiguous result of 16 or more elements is filled with uniforms and
    /// transformed by Box-Muller in blocks of 16 (float32 with the AVX2 kernel's approximate log and
    /// sin/cos, which is what PyTorch runs on x86-64 machines with AVX2); smaller or strided results
    /// take one double-precision Box-Muller value at a time. PyTorch builds that dispatch to another
    /// CPU kernel (no AVX2, or forced AVX-512) give slightly different float32 values.
    /// </remarks>
    public static Tensor Randn(ReadOnlySpan<int> shape, Generator? generator = null, DType? dtype = null, Device? device = null)
    {
        var t = AllocRandom(shape, dtype ?? DTypes.DefaultFloat, device, "randn", floatOnly: true);
        return t.Normal_(0, 1, generator);
    }

    /// <summary>Standard normal samples (<c>torch.randn(2, 3)</c>).</summary>
    public static Tensor Randn(params int[] shape) => Randn(shape.AsSpan());

    /// <summary>
    /// Integers uniform in [<paramref name="low"/>, <paramref name="high"/>) (<c>torch.randint</c>),
    /// int64 unless <paramref name="dtype"/> says otherwise. Each value is <c>low + draw % (high - low)</c>,
    /// with a 64-bit draw when the range is 2^32 or more (int64, float32, float64) and a 32-bit one otherwise.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="low"/> &gt;= <paramref name="high"/>, or a bound does not fit the dtype.</exception>
    public static Tensor RandInt(long low, long high, ReadOnlySpan<int> shape, Generator? generator = null, DType? dtype = null, Device? device = null)
    {
        var t = AllocRandom(shape, dtype ?? DType.Int64, device, "randint", floatOnly: false);
        return t.RandomFromTo(low, high, generator, "randint");
    }

    /// <summary>Integers uniform in [0, <paramref name="high"/>) (<c>torch.randint(high, size)</c>).</summary>
    public static Tensor RandInt(long high, ReadOnlySpan<int> shape, Generator? generator = null, DType? dtype = null, Device? device = null) =>
        RandInt(0, high, shape, generator, dtype, device);

    /// <summary>
    /// A random permutation of 0..n-1 (<c>torch.randperm</c>), int64 unless <paramref name="dtype"/> says otherwise.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="n"/> is negative or too large for the dtype.</exception>
    public static Tensor RandPerm(long n, Generator? generator = null, DType? dtype = null, Device? device = null)
    {
        if (n < 0) throw new ArgumentException($"randperm: n must be non-negative, got {n}.", nameof(n));
        if (n > Array.MaxLength) throw new ArgumentException($"randperm: n = {n} is more than the {Array.MaxLength} elements a CPU tensor can hold.", nameof(n));
        DType dt = dtype ?? DType.Int64;
        long limit = dt switch { DType.Float32 => (1L << 24) + 1, DType.Float64 => (1L << 53) + 1, DType.Int32 => (long)int.MaxValue + 1, DType.UInt8 => 256, DType.Bool => 2, _ => long.MaxValue };
        if (n > limit) throw new ArgumentException($"randperm: n = {n} is too large for dtype {dt.TorchName()} (at most {limit}).", nameof(n));
        var gen = GeneratorFor(generator, device ?? Device.Cpu, "randperm");
        var r = Alloc([(int)n], DType.Int64, device ?? Device.Cpu);
        r.Backend.RandPerm(r.Storage, (int)n, gen);
        return r.To(dt);
    }

    /// <summary>Uniform samples in [0, 1) shaped like <paramref name="t"/> (<c>torch.rand_like</c>); keeps its dtype and memory order unless overridden.</summary>
    public static Tensor RandLike(Tensor t, Generator? generator = null, DType? dtype = null, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(t);
        var r = LikeForRandom(t, dtype, device, "rand_like", floatOnly: true);
        return r.Uniform_(0, 1, generator);
    }

    /// <summary>Standard normal samples shaped like <paramref name="t"/> (<c>torch.randn_like</c>).</summary>
    public static Tensor RandnLike(Tensor t, Generator? generator = null, DType? dtype = null, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(t);
        var r = LikeForRandom(t, dtype, device, "randn_like", floatOnly: true);
        return r.Normal_(0, 1, generator);
    }

    /// <summary>Integers in [<paramref name="low"/>, <paramref name="high"/>) shaped like <paramref name="t"/> (<c>torch.randint_like</c>).</summary>
    public static Tensor RandIntLike(Tensor t, long low, long high, Generator? generator = null, DType? dtype = null, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(t);
        var r = LikeForRandom(t, dtype, device, "randint_like", floatOnly: false);
        return r.RandomFromTo(low, high, generator, "randint_like");
    }

    /// <summary>Integers in [0, <paramref name="high"/>) shaped like <paramref name="t"/> (<c>torch.randint_like(t, high)</c>).</summary>
    public static Tensor RandIntLike(Tensor t, long high, Generator? generator = null, DType? dtype = null, Device? device = null) =>
        RandIntLike(t, 0, high, generator, dtype, device);

    /// <summary>
    /// Fills this floating-point tensor with samples uniform in [<paramref name="from"/>, <paramref name="to"/>), in place (<c>x.uniform_(from, to)</c>).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="from"/> &gt; <paramref name="to"/>, or the range does not fit the dtype.</exception>
    public Tensor Uniform_(double from = 0, double to = 1, Generator? generator = null)
    {
        const string op = "uniform_";
        CheckFloating(op);
        CheckWritable(op);
        double max = DType == DType.Float32 ? float.MaxValue : double.MaxValue;
        if (!(from >= -max && from <= max)) throw new ArgumentException($"{op}: from={Num(from)} is out of bounds for {DType.TorchName()}.", nameof(from));
        if (!(to >= -max && to <= max)) throw new ArgumentException($"{op}: to={Num(to)} is out of bounds for {DType.TorchName()}.", nameof(to));
        if (from > to) throw new ArgumentException($"{op}: expects to return a [from, to) range, but found from={Num(from)} > to={Num(to)}.");
        if (to - from > max) throw new ArgumentException($"{op}: expects to-from <= the largest {DType.TorchName()}, but found to={Num(to)} and from={Num(from)} which result in to-from to exceed the limit.");
        var gen = GeneratorFor(generator, Device, op);
        Backend.Uniform(Storage, Layout, from, to, gen);
        BumpVersion();
        return this;
    }

    /// <summary>
    /// Fills this floating-point tensor with normal samples of the given mean and standard deviation, in place (<c>x.normal_(mean, std)</c>).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="std"/> is negative.</exception>
    public Tensor Normal_(double mean = 0, double std = 1, Generator? generator = null)
    {
        const string op = "normal_";
        CheckFloating(op);
        CheckWritable(op);
        if (!(std >= 0)) throw new ArgumentException($"{op}: normal expects std >= 0.0, but found std {Num(std)}.", nameof(std));
        var gen = GeneratorFor(generator, Device, op);
        Backend.Normal(Storage, Layout, mean, std, gen);
        BumpVersion();
        return this;
    }

    /// <summary>
    /// Fills this tensor with integers uniform in [<paramref name="from"/>, <paramref name="to"/>), in place (<c>x.random_(from, to)</c>).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="from"/> &gt;= <paramref name="to"/>, or a bound does not fit the dtype.</exception>
    public Tensor Random_(long from, long to, Generator? generator = null) => RandomFromTo(from, to, generator, "random_");

    /// <summary>Fills this tensor with integers uniform in [0, <paramref name="to"/>), in place (<c>x.random_(to)</c>).</summary>
    public Tensor Random_(long to, Generator? generator = null) => RandomFromTo(0, to, generator, "random_");

    /// <summary>
    /// Samples 0 or 1 for each element, with the probability of 1 given by this tensor's values (<c>torch.bernoulli(p)</c>).
    /// The result has this tensor's dtype and is contiguous (PyTorch allocates it with
    /// <c>LEGACY_CONTIGUOUS_MEMORY_FORMAT</c>), so the draws go in row-major order whatever this tensor's strides.
    /// </summary>
    /// <exception cref="ArgumentException">This tensor is not floating point, or holds a value outside [0, 1].</exception>
    public Tensor Bernoulli(Generator? generator = null)
    {
        if (!DType.IsFloatingPoint())
            throw new ArgumentException($"bernoulli: expected a floating-point tensor of probabilities, got {DType.TorchName()}.");
        return Alloc(Layout.Shape, DType, Device).Bernoulli_(this, generator, "bernoulli");
    }

    /// <summary>Sets each element to 1 with probability <paramref name="p"/>, else 0, in place (<c>x.bernoulli_(p)</c>).</summary>
    /// <exception cref="ArgumentException"><paramref name="p"/> is outside [0, 1].</exception>
    public Tensor Bernoulli_(double p = 0.5, Generator? generator = null)
    {
        const string op = "bernoulli_";
        CheckWritable(op);
        if (!(p >= 0 && p <= 1)) throw new ArgumentException($"{op}: expects p to be in [0, 1], but got p={Num(p)}.", nameof(p));
        var gen = GeneratorFor(generator, Device, op);
        Backend.Bernoulli(Storage, Layout, p, gen);
        BumpVersion();
        return this;
    }

    /// <summary>
    /// Sets each element to 1 with the probability at the same place in <paramref name="p"/> (broadcast
    /// to this tensor's shape), else 0, in place (<c>x.bernoulli_(p_tensor)</c>).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="p"/> is not floating point, does not broadcast, or holds a value outside [0, 1].</exception>
    public Tensor Bernoulli_(Tensor p, Generator? generator = null) => Bernoulli_(p, generator, "bernoulli_");

    private Tensor Bernoulli_(Tensor p, Generator? generator, string op)
    {
        ArgumentNullException.ThrowIfNull(p);
        CheckWritable(op);
        if (!p.DType.IsFloatingPoint())
            throw new ArgumentException($"{op}: expected a floating-point tensor of probabilities, got {p.DType.TorchName()}.", nameof(p));
        Dims.CheckBroadcastTo(p.Layout.Shape, Layout.Shape, op);
        if (p.Device != Device) p = p.To(Device);
        foreach (double v in p.ToArray<double>())
            if (!(v >= 0 && v <= 1)) throw new ArgumentException($"{op}: expects all probabilities to be in [0, 1], but found p={Num(v)}.", nameof(p));
        // Draw from a snapshot when p shares this tensor's storage, as every p value must be read before it is overwritten.
        if (ReferenceEquals(p.Storage, Storage)) p = p.Clone();
        var gen = GeneratorFor(generator, Device, op);
        Backend.Bernoulli(Storage, Layout, p.Storage, p.Layout.BroadcastTo(Layout.Shape), gen);
        BumpVersion();
        return this;
    }

    private Tensor RandomFromTo(long from, long to, Generator? generator, string op)
    {
        CheckWritable(op);
        if (from >= to) throw new ArgumentException($"{op}: expects 'from' to be less than 'to', but got from={from} >= to={to}.");
        if (DType.IsFloatingPoint())
        {
            // PyTorch moves bounds that the float type cannot hold exactly to the nearest representable ones inside the range.
            from = UpdateFrom(from);
            to = UpdateTo(to);
            if (from >= to) throw new ArgumentException($"{op}: expects 'from' casted to dtype to be less than 'to' casted to dtype, but got from={from} >= to={to}.");
        }
        (long min, long max) = DType switch
        {
            DType.Float32 => (long.MinValue, long.MaxValue), DType.Float64 => (long.MinValue, long.MaxValue),
            DType.Int64 => (long.MinValue, long.MaxValue), DType.Int32 => (int.MinValue, int.MaxValue),
            DType.UInt8 => (0, 255), _ => (0, 1),
        };
        if (from < min || from > max) throw new ArgumentException($"{op}: from={from} is out of bounds for {DType.TorchName()}.");
        if (to - 1 < min || to - 1 > max) throw new ArgumentException($"{op}: to - 1 = {to - 1} is out of bounds for {DType.TorchName()}.");
        var gen = GeneratorFor(generator, Device, op);
        Backend.RandomFromTo(Storage, Layout, unchecked((ulong)to - (ulong)from), from, gen);
        BumpVersion();
        return this;
    }

    // update_from / update_to of ATen/native/DistributionTemplates.h: round a bound that the float
    // type cannot represent exactly to a representable one inside [from, to).
    private long UpdateFrom(long from)
    {
        int digits = DType == DType.Float32 ? 24 : 53;
        long fromPlus1 = (long)(DType == DType.Float32 ? (double)(float)(from + 1) : (double)(from + 1));
        if (fromPlus1 < from)
        {
            long fromCopy = from; int n = 0;
            while ((fromCopy >>= 1) != 0) ++n;
            from = fromPlus1 + (1L << (n - digits + 1));
        }
        return from;
    }

    private long UpdateTo(long to)
    {
        int digits = DType == DType.Float32 ? 24 : 53;
        long toMinus1 = (long)(DType == DType.Float32 ? (double)(float)(to - 1) : (double)(to - 1));
        if (toMinus1 >= to)
        {
            long toCopy = to; int n = 0;
            while ((toCopy >>= 1) != 0) ++n;
            to = toMinus1 - (1L << (n - digits + 1));
        }
        return to;
    }

    private void CheckFloating(string op)
    {
        if (!DType.IsFloatingPoint())
            throw new ArgumentException($"{op}: expected a floating-point tensor, got {DType.TorchName()}.");
    }

    private static Generator GeneratorFor(Generator? generator, Device device, string op)
    {
        var g = generator ?? Generator.Default;
        if (g.Device != device)
            throw new ArgumentException($"{op}: the generator is for device {g.Device} but the tensor is on {device}.");
        return g;
    }

    private static Tensor AllocRandom(ReadOnlySpan<int> shape, DType dtype, Device? device, string op, bool floatOnly)
    {
        if (floatOnly && !dtype.IsFloatingPoint())
            throw new ArgumentException($"{op}: expected a floating-point dtype, got {dtype.TorchName()}.");
        return Alloc(Dims.CheckShape(shape, op), dtype, device ?? Device.Cpu);
    }

    private static Tensor LikeForRandom(Tensor t, DType? dtype, Device? device, string op, bool floatOnly)
    {
        DType dt = dtype ?? t.DType;
        if (floatOnly && !dt.IsFloatingPoint())
            throw new ArgumentException($"{op}: expected a floating-point dtype, got {dt.TorchName()}.");
        return EmptyPreservingOrder(t, dt, device ?? t.Device);
    }

    /// <summary>
    /// An empty tensor shaped like <paramref name="t"/> whose dims lie in memory in the same order as
    /// <paramref name="t"/>'s (PyTorch's <c>empty_like</c> with <c>preserve_format</c>), so random
    /// fills visit elements in the order PyTorch does.
    /// </summary>
    internal static Tensor EmptyPreservingOrder(Tensor t, DType dtype, Device device)
    {
        if (t.Layout.IsContiguous) return Alloc(t.Layout.Shape, dtype, device);
        int[] perm = Backends.Cpu.CpuBackend.StridePermutation(t.Layout);
        int[] shape = t.Layout.Shape;
        var strides = new int[shape.Length];
        int acc = 1;
        for (int k = perm.Length - 1; k >= 0; k--) { strides[perm[k]] = acc; acc = checked(acc * Math.Max(shape[perm[k]], 1)); }
        var layout = new Layout((int[])shape.Clone(), strides, 0);
        return new Tensor(AllocateStorage(BackendRegistry.Get(device), dtype, layout, uninitialized: false, "empty_like"), layout);
    }

    private static string Num(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
