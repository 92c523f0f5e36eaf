namespace Ember.Graph;

/// <summary>
/// In-place ops on views (PyTorch's CopySlices). Writing into a view changes its base, so the base's
/// history becomes: "the old base, with the viewed region replaced by op(old region, others)". The
/// view's own history then reads that region back out of the base's new history.
/// </summary>
/// <remarks>
/// The region's gradient is placed with plain writes into a copy, so gradients flowing through this
/// node are not themselves differentiable (second-order gradients through an in-place write on a view
/// are not supported yet).
/// </remarks>
internal sealed class CopySlices : Node
{
    private RuleNode? _inner;
    private readonly int[] _baseShape;
    private readonly Layout _region;   // the view's layout relative to a contiguous tensor of the base's shape

    private CopySlices(RuleNode inner, int[] baseShape, Layout region) : base("CopySlices", 1)
    {
        _inner = inner;
        _baseShape = baseShape;
        _region = region;
    }

    /// <summary>The rule of the op that wrote into the view (null once released).</summary>
    internal Rule? InnerRule => _inner?.Rule;

    internal static void Record(Rule rule, Tensor view, Tensor @base, Tensor?[] others, ReadOnlySpan<Tensor> saved, object? state, ReadOnlySpan<long?> savedVersions)
    {
        if (!@base.IsContiguous())
            throw new NotSupportedException(
                $"{rule.Name}: in-place operation on a view of a non-contiguous tensor that requires grad is not supported; Clone() the tensor first.");
        var region = new Layout(view.Layout.Shape, view.Layout.Strides, view.Layout.Offset - @base.Layout.Offset);
        var viewInfo = new InputInfo(view.Shape.ToArray(), view.DType, view.Device);

        // The op itself, as if on a standalone tensor: input 0 is the old region, inputs 1.. the others.
        var inner = new RuleNode(rule, [viewInfo]) { State = state };
        var all = new Tensor?[others.Length + 1];
        others.CopyTo(all, 1);
        Autograd.Connect(inner, all);
        inner.InputInfos[0] = viewInfo;
        // The inner node never routes gradients itself, but its formula asks NeedsGrad(0).
        if (@base.RequiresGrad) inner.NextEdges[0] = @base.GradientEdge();
        inner.Save(saved, [view], savedVersions);

        var node = new CopySlices(inner, @base.Shape.ToArray(), region);
        var baseInfo = new InputInfo(@base.Shape.ToArray(), @base.DType, @base.Device);
        var edges = new Edge[all.Length];
        var infos = new InputInfo?[all.Length];
        if (@base.RequiresGrad) { edges[0] = @base.GradientEdge(); infos[0] = baseInfo; }
        for (int i = 1; i < all.Length; i++) { edges[i] = inner.NextEdges[i]; infos[i] = inner.InputInfos[i]; }
        node.NextEdges = edges;
        node.InputInfos = infos;
        @base.SetGradFn(node, 0);

        view.SetGradFn(ReadBack(view, @base), 0);
    }

    /// <summary>A node reading <paramref name="view"/>'s region out of <paramref name="base"/>'s current history (its gradient lands in that region of a zero base gradient).</summary>
    internal static Node ReadBack(Tensor view, Tensor @base)
    {
        var region = new Layout(view.Layout.Shape, view.Layout.Strides, view.Layout.Offset - @base.Layout.Offset);
        var baseInfo = new InputInfo(@base.Shape.ToArray(), @base.DType, @base.Device);
        return new ViewOfBase(region, baseInfo) { NextEdges = [@base.GradientEdge()], InputInfos = [baseInfo] };
    }

    internal override Tensor?[] Apply(Tensor?[] gradOutputs)
    {
        var inner = _inner ?? throw new InvalidOperationException(Autograd.FreedGraphMessage);
        var g = gradOutputs[0]!.Contiguous();
        var gRegion = g.WithLayout(Shift(_region, g.Layout.Offset));
        var innerGrads = inner.Apply([gRegion.Contiguous()]);
        var result = new Tensor?[NextEdges.Length];
        if (NextEdges[0].IsValid)
        {
            using var _ = Autograd.NoGrad();
            var gBase = g.Clone();
            var dst = gBase.WithLayout(Shift(_region, 0));
            if (innerGrads.Length > 0 && innerGrads[0] is { } g0) dst.Copy_(g0);
            else dst.Fill_(0);
            result[0] = gBase;
        }
        for (int i = 1; i < result.Length; i++) result[i] = i < innerGrads.Length ? innerGrads[i] : null;
        return result;
    }

    internal override void Release()
    {
        _inner?.Release();
        _inner = null;
    }

    private static Layout Shift(Layout l, int offset) => new(l.Shape, l.Strides, l.Offset + offset);

    /// <summary>The view's history after the write: its gradient lands in its region of a zero gradient of the base.</summary>
    private sealed class ViewOfBase(Layout region, InputInfo baseInfo) : Node("AsStridedBackward0", 1)
    {
        internal override Tensor?[] Apply(Tensor?[] gradOutputs)
        {
            using var _ = Autograd.NoGrad();
            var gBase = Tensor.Zeros(baseInfo.Shape, baseInfo.DType, baseInfo.Device);
            gBase.WithLayout(region).Copy_(gradOutputs[0]!);
            return [gBase];
        }
    }
}
