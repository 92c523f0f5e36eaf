using Ember.Graph;

namespace Ember;

public static partial class Autograd
{
    /// <summary>
    /// Call at the start of every in-place op, before anything is written:
    /// <code>
    /// var ip = Autograd.BeginInPlace(this, "mul_", [other], saveOriginal: true);
    /// ... write into this ...
    /// ip.Finish(Derivatives.Mul, saved: [ip.Original!, other]);
    /// </code>
    /// It refuses leaves that require grad, remembers where this tensor's gradient went before the
    /// write and, when asked, keeps a copy of the values about to be overwritten (for formulas that
    /// need them). <see cref="InPlace.Finish"/> then records the op with this tensor's old history as
    /// input 0 and <paramref name="others"/> as inputs 1.., so an in-place op reuses the out-of-place
    /// op's rule. For a view, the history of the viewed base is rewritten (PyTorch's CopySlices).
    /// </summary>
    internal static InPlace BeginInPlace(Tensor self, string op, ReadOnlySpan<Tensor?> others, bool saveOriginal = false)
    {
        bool active = IsGradEnabled && (self.RequiresGrad || AnyRequiresGrad(others));
        if (!active) return default;
        CheckInPlace(self, op);
        if (self.ViewBase is { } b && b.IsLeaf && b.RequiresGrad)
            throw new InvalidOperationException(
                $"{op}: a view of a leaf Variable that requires grad is being used in an in-place operation. Do it under Autograd.NoGrad(), or on a Clone().");
        // A recorded copy: second derivatives through the op then reach the old values' history.
        Tensor? original = saveOriginal ? self.Clone() : null;
        var versions = new long[others.Length];
        for (int i = 0; i < others.Length; i++) versions[i] = others[i]?.Version ?? 0;
        return new InPlace(self, op, others.ToArray(), original, versions);
    }

    private static bool AnyRequiresGrad(ReadOnlySpan<Tensor?> ts)
    {
        foreach (var t in ts) if (t is not null && t.RequiresGrad) return true;
        return false;
    }

    /// <summary>An in-place op being recorded; see <see cref="BeginInPlace"/>.</summary>
    internal readonly struct InPlace
    {
        private readonly Tensor? _self;
        private readonly Tensor?[]? _others;
        private readonly long[]? _otherVersions;

        internal InPlace(Tensor self, string op, Tensor?[] others, Tensor? original, long[] otherVersions)
        {
            _self = self;
            _others = others;
            _otherVersions = otherVersions;
            Original = original;
        }

        /// <summary>True when the op must be recorded.</summary>
        public bool Active => _self is not null;

        /// <summary>A copy of the values the op overwrote (when asked for), for formulas that need them.</summary>
        public Tensor? Original { get; }

        /// <summary>Records the op (a no-op when not <see cref="Active"/>).</summary>
        public void Finish(Rule rule, ReadOnlySpan<Tensor> saved = default, object? state = null)
        {
            if (_self is null) return;
            // A write into a view changes its base, unless the view has a history of its own that does not
            // come from the base (the result of an op handed out as a view of an internal buffer).
            // Operands are saved as they were before the write: one that shares this tensor's storage
            // (y.Mul_(y)) then fails the version check at backward instead of giving a wrong gradient.
            // This tensor itself, when saved, is the op's result: its version after the write is the right one.
            var versions = new long?[saved.Length];
            for (int i = 0; i < saved.Length; i++)
                for (int j = 0; j < _others!.Length && !ReferenceEquals(saved[i], _self); j++)
                    if (ReferenceEquals(saved[i], _others[j])) versions[i] = _otherVersions![j];
            if (_self.ViewBase is { } b && (b.RequiresGrad || !_self.RequiresGrad))
            {
                CopySlices.Record(rule, _self, b, _others!, saved, state, versions);
                return;
            }
            var prev = _self.GradientEdge();
            var info = new InputInfo(_self.Shape.ToArray(), _self.DType, _self.Device);
            rule.RecordInPlace(_self, prev, info, _others, saved, state, versions);
        }
    }
}
