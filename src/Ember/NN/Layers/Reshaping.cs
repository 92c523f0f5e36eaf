namespace Ember.NN;

/// <summary>Returns its input unchanged (<c>nn.Identity</c>): a placeholder, e.g. to remove a layer from a model.</summary>
public sealed class Identity : Module<Tensor, Tensor>
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => input;
}

/// <summary>Flattens dims <c>start_dim</c> to <c>end_dim</c> into one (<c>nn.Flatten</c>); by default every dim but the batch dim.</summary>
/// <param name="startDim">The first dim flattened (default 1, keeping the batch dim).</param>
/// <param name="endDim">The last dim flattened (default -1).</param>
public sealed class Flatten(int startDim = 1, int endDim = -1) : Module<Tensor, Tensor>
{
    /// <summary>The first dim flattened.</summary>
    public int StartDim { get; } = startDim;
    /// <summary>The last dim flattened.</summary>
    public int EndDim { get; } = endDim;
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => input.Flatten(StartDim, EndDim);
    /// <inheritdoc/>
    public override string ExtraRepr() => $"start_dim={StartDim}, end_dim={EndDim}";
}

/// <summary>Splits dim <c>dim</c> into the sizes <c>unflattened_size</c> (<c>nn.Unflatten</c>); the inverse of <see cref="Flatten"/>.</summary>
public sealed class Unflatten : Module<Tensor, Tensor>
{
    /// <summary>Creates the layer (<c>nn.Unflatten(dim, unflattened_size)</c>).</summary>
    /// <exception cref="ArgumentException"><paramref name="unflattenedSize"/> is empty.</exception>
    public Unflatten(int dim, params int[] unflattenedSize)
    {
        ArgumentNullException.ThrowIfNull(unflattenedSize);
        if (unflattenedSize.Length == 0) throw new ArgumentException("Unflatten: unflattened_size must be a non-empty list of sizes.", nameof(unflattenedSize));
        Dim = dim;
        UnflattenedSize = (int[])unflattenedSize.Clone();
    }
    /// <summary>The dim split.</summary>
    public int Dim { get; }
    /// <summary>The sizes it is split into (one may be -1).</summary>
    public IReadOnlyList<int> UnflattenedSize { get; }
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => input.Unflatten(Dim, UnflattenedSize.ToArray());
    /// <inheritdoc/>
    public override string ExtraRepr() => $"dim={Dim}, unflattened_size={PyRepr.Tuple(UnflattenedSize)}";
}
