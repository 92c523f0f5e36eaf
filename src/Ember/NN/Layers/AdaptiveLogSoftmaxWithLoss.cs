namespace Ember.NN;

/// <summary>What <see cref="AdaptiveLogSoftmaxWithLoss"/> returns (PyTorch's <c>_ASMoutput</c>): each target's log-probability and the mean negative of them.</summary>
/// <param name="Output">The log-probability of each sample's target, [N] (0-d for an unbatched input).</param>
/// <param name="Loss">The mean of -<paramref name="Output"/>, 0-d.</param>
public readonly record struct AdaptiveLogSoftmaxOutput(Tensor Output, Tensor Loss);

/// <summary>
/// The efficient softmax approximation for large vocabularies (<c>nn.AdaptiveLogSoftmaxWithLoss</c>,
/// Grave et al.): the classes below <c>cutoffs[0]</c> (the shortlist) and one entry per cluster share the
/// head; each cluster's classes are scored by a low-rank tail (in_features / div_value^(i+1) hidden).
/// Parameters and their names (<c>head.weight</c>, <c>tail.0.0.weight</c>, <c>tail.0.1.weight</c>, ...),
/// initialisation order and results are PyTorch's, so state dicts exchange.
/// </summary>
public sealed class AdaptiveLogSoftmaxWithLoss : Module<Tensor, Tensor, AdaptiveLogSoftmaxOutput>
{
    /// <summary>Creates the layer (<c>nn.AdaptiveLogSoftmaxWithLoss(in_features, n_classes, cutoffs, div_value=4.0, head_bias=False)</c>).</summary>
    /// <exception cref="ArgumentException">The cutoffs are not unique, increasing integers in [1, n_classes - 1].</exception>
    public AdaptiveLogSoftmaxWithLoss(int inFeatures, int nClasses, int[] cutoffs, double divValue = 4.0, bool headBias = false, DType? dtype = null, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(cutoffs);
        bool ok = cutoffs.Length > 0 && cutoffs.Distinct().Count() == cutoffs.Length && cutoffs.SequenceEqual(cutoffs.Order())
            && cutoffs.Min() > 0 && cutoffs.Max() <= nClasses - 1;
        if (!ok)
            throw new ArgumentException($"AdaptiveLogSoftmaxWithLoss: cutoffs should be a sequence of unique, positive integers sorted in an increasing order, where each value is between 1 and n_classes-1 (n_classes = {nClasses}, cutoffs = [{string.Join(", ", cutoffs)}]).", nameof(cutoffs));
        InFeatures = inFeatures;
        NClasses = nClasses;
        Cutoffs = [.. cutoffs, nClasses];
        DivValue = divValue;
        HeadBias = headBias;
        ShortlistSize = Cutoffs[0];
        NClusters = Cutoffs.Length - 1;
        HeadSize = ShortlistSize + NClusters;
        // Constructed in PyTorch's order, so the same seed draws the same weights.
        Head = new Linear(inFeatures, HeadSize, headBias, dtype, device);
        Tail = new ModuleList();
        for (int i = 0; i < NClusters; i++)
        {
            int hsz = (int)Math.Floor(inFeatures / Math.Pow(divValue, i + 1));
            int osz = Cutoffs[i + 1] - Cutoffs[i];
            Tail.Append(new Sequential(new Linear(inFeatures, hsz, false, dtype, device), new Linear(hsz, osz, false, dtype, device)));
        }
    }

    /// <summary>The input size (<c>in_features</c>).</summary>
    public int InFeatures { get; }
    /// <summary>The number of classes (<c>n_classes</c>).</summary>
    public int NClasses { get; }
    /// <summary>The cutoffs with n_classes appended, as PyTorch stores them (<c>cutoffs</c>).</summary>
    public int[] Cutoffs { get; }
    /// <summary>The ratio between successive tail sizes (<c>div_value</c>).</summary>
    public double DivValue { get; }
    /// <summary>Whether the head has a bias (<c>head_bias</c>).</summary>
    public bool HeadBias { get; }
    /// <summary>The number of classes scored by the head directly (<c>shortlist_size</c>).</summary>
    public int ShortlistSize { get; }
    /// <summary>The number of tail clusters (<c>n_clusters</c>).</summary>
    public int NClusters { get; }
    /// <summary>The head's output size (<c>head_size</c>).</summary>
    public int HeadSize { get; }
    /// <summary>The head (<c>head</c>).</summary>
    public Linear Head { get; }
    /// <summary>The tails, each a Sequential of two bias-free Linears (<c>tail</c>).</summary>
    public ModuleList Tail { get; }

    private Tensor TailOf(int i, Tensor x) => ((Sequential)Tail[i]).Call(x);

    /// <summary>
    /// The log-probability of each target and their mean negative (<c>forward(input, target)</c>): input
    /// [N, in_features] with target [N], or [in_features] with a 0-d target.
    /// </summary>
    /// <exception cref="ArgumentException">The shapes do not fit, or a target is outside [0, n_classes).</exception>
    public override AdaptiveLogSoftmaxOutput Forward(Tensor input, Tensor target)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(target);
        const string op = "AdaptiveLogSoftmaxWithLoss";
        if (target.NDim == 1)
        {
            if (input.NDim != 2) throw new ArgumentException($"{op}: 1D target tensor expects 2D input tensors, but found inputs with size {input.Shape}.");
            if (input.Shape[0] != target.Shape[0]) throw new ArgumentException($"{op}: Input and target should have the same size in the batch dimension (input {input.Shape}, target {target.Shape}).");
        }
        else if (target.NDim == 0)
        {
            if (input.NDim != 1) throw new ArgumentException($"{op}: 0D target tensor expects 1D input tensors, but found inputs with size {input.Shape}.");
        }
        else throw new ArgumentException($"{op}: 0D or 1D target tensor expected, multi-target not supported (target {target.Shape}).");
        bool batched = target.NDim > 0;
        var x = batched ? input : input.Unsqueeze(0);
        long[] t = target.Reshape(-1).ToArray<long>();
        int n = t.Length;
        if (t.Any(v => v < 0 || v >= NClasses))
            throw new ArgumentException($"{op}: Target values should be in [0, {NClasses - 1}], but values in range [{t.Min()}, {t.Max()}] were found.");
        var gatherInds = new long[n];
        Tensor output = Tensor.Zeros([n], x.DType, x.Device);
        for (int i = 0; i < NClusters + 1; i++)
        {
            int lo = i == 0 ? 0 : Cutoffs[i - 1], hi = Cutoffs[i];
            var rows = Enumerable.Range(0, n).Where(r => t[r] >= lo && t[r] < hi).ToArray();
            if (rows.Length == 0) continue;
            if (i == 0) { foreach (var r in rows) gatherInds[r] = t[r]; continue; }
            foreach (var r in rows) gatherInds[r] = ShortlistSize + i - 1;
            var rowIdx = Tensor.From(rows.Select(r => (long)r).ToArray()).To(x.Device);
            var relative = Tensor.From(rows.Select(r => t[r] - lo).ToArray()).To(x.Device).Unsqueeze(1);
            var clusterLogprob = TailOf(i - 1, x.IndexSelect(0, rowIdx)).LogSoftmax(1);
            output = output.IndexAdd(0, rowIdx, clusterLogprob.Gather(1, relative).Squeeze(1));
        }
        var headLogprob = Head.Call(x).LogSoftmax(1);
        output = output + headLogprob.Gather(1, Tensor.From(gatherInds).To(x.Device).Unsqueeze(1)).Squeeze(1);
        var loss = (-output).Mean();
        return new AdaptiveLogSoftmaxOutput(batched ? output : output.Squeeze(0), loss);
    }

    /// <summary>The log-probabilities of every class, [N, n_classes] (or [n_classes] for a 1-d input) (<c>log_prob</c>).</summary>
    /// <exception cref="ArgumentException">The input is not [N, in_features] or [in_features].</exception>
    public Tensor LogProb(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.NDim is not (1 or 2) || input.Shape[^1] != InFeatures)
            throw new ArgumentException($"AdaptiveLogSoftmaxWithLoss.LogProb: expected an input of shape [N, {InFeatures}] or [{InFeatures}], got {input.Shape}.");
        bool batched = input.NDim == 2;
        var x = batched ? input : input.Unsqueeze(0);
        var headLogprob = Head.Call(x).LogSoftmax(1);
        var parts = new List<Tensor> { headLogprob.Narrow(1, 0, ShortlistSize) };
        for (int i = 0; i < NClusters; i++)
            parts.Add(TailOf(i, x).LogSoftmax(1) + headLogprob.Narrow(1, ShortlistSize + i, 1));
        var full = Tensor.Cat(parts, 1);
        return batched ? full : full.Squeeze(0);
    }

    /// <summary>The most likely class of each sample, [N] (0-d for a 1-d input) (<c>predict</c>).</summary>
    public Tensor Predict(Tensor input) => LogProb(input).ArgMax(-1);
}
