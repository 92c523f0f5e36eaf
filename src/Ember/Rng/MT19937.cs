namespace Ember.Rng;

/// <summary>
/// The 32-bit Mersenne Twister exactly as PyTorch's <c>at::mt19937</c> (ATen/core/MT19937RNGEngine.h):
/// the reference mt19937 seeded with <c>init_genrand(seed &amp; 0xffffffff)</c>, with PyTorch's
/// bookkeeping (<c>left</c>, <c>next</c>) kept so that a saved state round-trips through
/// <c>torch.get_rng_state()</c>'s layout.
/// </summary>
internal sealed class MT19937
{
    public const int N = 624;
    private const int M = 397;
    private const uint MatrixA = 0x9908b0df;
    private const uint UMask = 0x80000000;
    private const uint LMask = 0x7fffffff;

    public readonly uint[] State = new uint[N];
    public ulong Seed;
    public int Left;
    public uint Next;
    public bool Seeded;

    public MT19937(ulong seed) { Reseed(seed); }

    public void Reseed(ulong seed)
    {
        Seed = seed;
        Seeded = true;
        State[0] = (uint)(seed & 0xffffffff);
        for (uint j = 1; j < N; j++)
            State[j] = unchecked(1812433253u * (State[j - 1] ^ (State[j - 1] >> 30)) + j);
        Left = 1;
        Next = 0;
    }

    public bool IsValid => Seeded && Left > 0 && Left <= N && Next <= N;

    public uint NextUInt32()
    {
        if (--Left == 0) NextState();
        uint y = State[Next++];
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c5680;
        y ^= (y << 15) & 0xefc60000;
        y ^= y >> 18;
        return y;
    }

    private static uint Twist(uint u, uint v) => (((u & UMask) | (v & LMask)) >> 1) ^ ((v & 1) != 0 ? MatrixA : 0u);

    private void NextState()
    {
        var s = State;
        Left = N;
        Next = 0;
        int p = 0;
        for (int j = N - M + 1; --j > 0; p++) s[p] = s[p + M] ^ Twist(s[p], s[p + 1]);
        for (int j = M; --j > 0; p++) s[p] = s[p + M - N] ^ Twist(s[p], s[p + 1]);
        s[p] = s[p + M - N] ^ Twist(s[p], s[0]);
    }
}
