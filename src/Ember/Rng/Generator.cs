using System.Buffers.Binary;
using System.Security.Cryptography;
using Ember.Rng;

namespace Ember;

/// <summary>
/// A source of pseudo-random numbers, as <c>torch.Generator</c> on the CPU: PyTorch's Mersenne
/// Twister (<c>CPUGeneratorImpl</c>), so that after the same seed Ember's random functions produce the
/// same numbers as PyTorch's. Every random op takes an optional generator; without one it uses
/// <see cref="Default"/> (<c>torch.default_generator</c>), which <see cref="Tensor.ManualSeed"/> seeds.
/// </summary>
/// <remarks>
/// Thread-safe as PyTorch's: each op holds the generator's lock for the whole fill, so concurrent
/// ops on one generator each draw a contiguous run of the stream (in an unspecified order).
/// Like PyTorch, the generator caches the second value of a Box-Muller pair for the scalar normal
/// path; reseeding clears the cache.
/// </remarks>
public sealed class Generator
{
    /// <summary>The seed a new generator (and the default one) starts from, PyTorch's <c>default_rng_seed_val</c>.</summary>
    public const ulong DefaultSeed = 67280421310721UL;

    /// <summary>Size in bytes of the state from <see cref="GetState"/>: PyTorch's <c>CPUGeneratorImplState</c>.</summary>
    public const int StateSize = 5056;

    private const int LegacyStateSize = 5048;

    private readonly MT19937 _engine;
    private double? _nextDoubleNormal;
    private float? _nextFloatNormal;

    /// <summary>The generator used when an op is given none (<c>torch.default_generator</c>).</summary>
    public static Generator Default { get; } = new();

    /// <summary>A CPU generator seeded with <paramref name="seed"/> (<c>torch.Generator().manual_seed(seed)</c>).</summary>
    public Generator(ulong seed = DefaultSeed) { _engine = new MT19937(seed); }

    /// <summary>The device whose tensors this generator fills: always the CPU for now.</summary>
    public Device Device => Device.Cpu;

    /// <summary>Held for the duration of every fill, as PyTorch holds <c>generator-&gt;mutex_</c>.</summary>
    internal Lock Mutex { get; } = new();

    /// <summary>The seed this generator was last seeded with (<c>initial_seed()</c>).</summary>
    public ulong InitialSeed { get { lock (Mutex) return _engine.Seed; } }

    /// <summary>
    /// Reseeds (<c>manual_seed</c>) and clears the cached normal value. Only the low 32 bits feed the
    /// Mersenne Twister, as in PyTorch; all 64 are kept as <see cref="InitialSeed"/>.
    /// </summary>
    public Generator ManualSeed(ulong seed)
    {
        lock (Mutex)
        {
            _nextDoubleNormal = null;
            _nextFloatNormal = null;
            _engine.Reseed(seed);
        }
        return this;
    }

    /// <summary>Reseeds with a negative-capable seed; negative values wrap to 2^64 + seed, as <c>torch.manual_seed(-1)</c>.</summary>
    public Generator ManualSeed(long seed) => ManualSeed(unchecked((ulong)seed));

    /// <summary>
    /// Reseeds from a non-deterministic source and returns the seed (<c>seed()</c>). The seed has 53
    /// bits, as PyTorch's, so it survives a round trip through a double.
    /// </summary>
    public ulong Seed()
    {
        Span<byte> b = stackalloc byte[8];
        RandomNumberGenerator.Fill(b);
        ulong s = BinaryPrimitives.ReadUInt64LittleEndian(b) & 0x1FFFFFFFFFFFFFUL;
        ManualSeed(s);
        return s;
    }

    /// <summary>
    /// The full state as bytes (<c>get_state()</c>), in the layout of PyTorch's
    /// <c>torch.get_rng_state()</c> (5056 bytes, little-endian), so states can move between the two.
    /// </summary>
    public byte[] GetState()
    {
        lock (Mutex)
        {
            var s = new byte[StateSize];
            var span = s.AsSpan();
            BinaryPrimitives.WriteUInt64LittleEndian(span, _engine.Seed);
            BinaryPrimitives.WriteInt32LittleEndian(span[8..], _engine.Left);
            BinaryPrimitives.WriteInt32LittleEndian(span[12..], _engine.Seeded ? 1 : 0);
            BinaryPrimitives.WriteUInt64LittleEndian(span[16..], _engine.Next);
            for (int i = 0; i < MT19937.N; i++) BinaryPrimitives.WriteUInt64LittleEndian(span[(24 + 8 * i)..], _engine.State[i]);
            int o = 24 + 8 * MT19937.N; // normal_x, normal_y, normal_rho, normal_is_valid
            if (_nextDoubleNormal is { } d)
            {
                BinaryPrimitives.WriteDoubleLittleEndian(span[(o + 8)..], d);
                BinaryPrimitives.WriteInt32LittleEndian(span[(o + 24)..], 1);
            }
            if (_nextFloatNormal is { } f)
            {
                BinaryPrimitives.WriteSingleLittleEndian(span[LegacyStateSize..], f);
                s[LegacyStateSize + 4] = 1;
            }
            return s;
        }
    }

    /// <summary>
    /// Restores a state from <see cref="GetState"/> or from PyTorch's <c>torch.get_rng_state()</c>
    /// (<c>set_state()</c>). Also accepts PyTorch's older 5048-byte layout.
    /// </summary>
    /// <exception cref="ArgumentException">The bytes are not a generator state.</exception>
    public Generator SetState(byte[] state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Length != StateSize && state.Length != LegacyStateSize)
            throw new ArgumentException($"Generator.SetState: expected either a THGeneratorState of size {LegacyStateSize} or a CPUGeneratorImplState of size {StateSize} but found the input RNG state size to be {state.Length}.", nameof(state));
        var span = state.AsSpan();
        var e = new MT19937(0)
        {
            Seed = BinaryPrimitives.ReadUInt64LittleEndian(span),
            Left = BinaryPrimitives.ReadInt32LittleEndian(span[8..]),
            Seeded = BinaryPrimitives.ReadInt32LittleEndian(span[12..]) != 0,
            Next = (uint)BinaryPrimitives.ReadUInt64LittleEndian(span[16..]),
        };
        ulong next = BinaryPrimitives.ReadUInt64LittleEndian(span[16..]);
        for (int i = 0; i < MT19937.N; i++) e.State[i] = (uint)BinaryPrimitives.ReadUInt64LittleEndian(span[(24 + 8 * i)..]);
        if (!e.IsValid || next > MT19937.N)
            throw new ArgumentException("Generator.SetState: the state is corrupted: the Mersenne Twister's position is out of range or it was never seeded.", nameof(state));
        int o = 24 + 8 * MT19937.N;
        double? dn = BinaryPrimitives.ReadInt32LittleEndian(span[(o + 24)..]) != 0 ? BinaryPrimitives.ReadDoubleLittleEndian(span[(o + 8)..]) : null;
        float? fn = state.Length == StateSize && state[LegacyStateSize + 4] != 0 ? BinaryPrimitives.ReadSingleLittleEndian(span[LegacyStateSize..]) : null;
        lock (Mutex)
        {
            _engine.Seed = e.Seed; _engine.Left = e.Left; _engine.Seeded = e.Seeded; _engine.Next = e.Next;
            e.State.CopyTo(_engine.State, 0);
            _nextDoubleNormal = dn;
            _nextFloatNormal = fn;
        }
        return this;
    }

    /// <summary>An independent generator in the same state (<c>clone_state</c>).</summary>
    public Generator Clone() => new Generator().SetState(GetState());

    // The draws below assume the caller holds Mutex, as PyTorch's kernels do.

    /// <summary>One 32-bit draw (<c>random()</c>).</summary>
    internal uint Random() => _engine.NextUInt32();

    /// <summary>One 64-bit draw: the first 32-bit draw is the high half (<c>random64()</c>).</summary>
    internal ulong Random64()
    {
        ulong hi = _engine.NextUInt32();
        ulong lo = _engine.NextUInt32();
        return (hi << 32) | lo;
    }

    /// <summary>A uniform float in [0, 1) from 24 bits of one 32-bit draw.</summary>
    internal float UniformFloat() => (Random() & 0xFFFFFF) * (1.0f / (1 << 24));

    /// <summary>A uniform double in [0, 1) from 53 bits of one 64-bit draw.</summary>
    internal double UniformDouble() => (Random64() & 0x1FFFFFFFFFFFFFUL) * (1.0 / (1UL << 53));

    /// <summary>
    /// A standard normal by Box-Muller in double (<c>at::normal_distribution&lt;double&gt;</c>):
    /// returns <c>r·cos θ</c> and keeps <c>r·sin θ</c> for the next call.
    /// </summary>
    internal double NormalDouble()
    {
        if (_nextDoubleNormal is { } cached) { _nextDoubleNormal = null; return cached; }
        double u1 = UniformDouble();
        double u2 = UniformDouble();
        double r = Math.Sqrt(-2.0 * Math.Log(1.0 - u2));
        double theta = 2.0 * Math.PI * u1;
        _nextDoubleNormal = r * Math.Sin(theta);
        return r * Math.Cos(theta);
    }
}
