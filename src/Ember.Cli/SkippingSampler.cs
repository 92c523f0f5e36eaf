using Ember.Data;

namespace Ember.Cli;

/// <summary>
/// Another sampler's order with its first <see cref="Skip"/> indices left out, once: how a resume in
/// mid-epoch gets the rest of the interrupted epoch. The inner sampler still draws its whole order (a
/// <see cref="RandomSampler"/> draws the same numbers whatever is skipped), so the generator's stream,
/// and every later epoch, is the uninterrupted run's; the skipped samples are never loaded.
/// </summary>
internal sealed class SkippingSampler(Sampler inner) : Sampler
{
    /// <summary>Indices the next pass leaves out; the pass that starts resets it to 0.</summary>
    public int Skip { get; set; }

    /// <inheritdoc/>
    public override int Count => inner.Count;

    /// <inheritdoc/>
    public override IEnumerator<int> GetEnumerator()
    {
        int skip = Skip;
        Skip = 0;
        return Rest(skip);
    }

    private IEnumerator<int> Rest(int skip)
    {
        int i = 0;
        foreach (int index in inner)
            if (i++ >= skip) yield return index;
    }
}
