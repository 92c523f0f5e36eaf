using Ember;
using Ember.Distributed;

namespace DistChild;

/// <summary>The scenarios, by name; each returns how many checks it made and throws on the first failure.</summary>
internal static partial class Scenarios
{
    public static int Run(string name, string[] args) => name switch
    {
        "collectives" => Collectives(),
        "errors" => Errors(),
        "throw" => Throw(),
        "ddp" => Ddp(args),
        "unused" => Unused(args),
        "checkpoint" => CheckpointResume(args),
        _ => throw new ArgumentException($"unknown scenario '{name}'"),
    };

    private static int Rank => Distributed.GetRank();
    private static int N => Distributed.GetWorldSize();
    private static int _checks;

    private static readonly DType[] AllDTypes = [DType.Float32, DType.Float64, DType.Int64, DType.Int32, DType.UInt8, DType.Bool];

    // Every rank's values are a formula of its rank and the element's index, so each rank can work out by
    // hand what any collective must produce: numbers 1..4 (small enough for uint8 products over 3 ranks), and
    // for bool a pattern that differs between ranks.
    private static double V(int rank, int i, DType dt) => dt == DType.Bool ? ((rank + i) % 3 == 0 ? 1 : 0) : (rank + 2 * i) % 4 + 1;

    private static double[] Vals(int rank, int count, DType dt, int shift = 0) =>
        Enumerable.Range(0, count).Select(i => V(rank, i + shift, dt)).ToArray();

    private static Tensor Make(double[] v, int[] shape, DType dt) => Tensor.From<double>(v, shape).To(dt);

    private static double[] Read(Tensor t) => t.To(DType.Float64).Contiguous().ToArray<double>();

    private static void Expect(double[] want, Tensor got, string what, double relTol = 0)
    {
        _checks++;
        var g = Read(got);
        if (g.Length != want.Length) throw new Exception($"rank {Rank}: {what}: got {g.Length} elements, expected {want.Length}");
        for (int i = 0; i < g.Length; i++)
            if (relTol == 0 ? g[i] != want[i] : Math.Abs(g[i] - want[i]) > relTol * Math.Max(1, Math.Abs(want[i])))
                throw new Exception($"rank {Rank}: {what} ({got.DType.TorchName()}): element {i} is {g[i]}, expected {want[i]}; got [{string.Join(", ", g)}], expected [{string.Join(", ", want)}]");
    }

    private static void Expect(bool ok, string what)
    {
        _checks++;
        if (!ok) throw new Exception($"rank {Rank}: {what}");
    }

    private static T Throws<T>(Action a, string what) where T : Exception
    {
        _checks++;
        try { a(); }
        catch (T e) { return e; }
        throw new Exception($"rank {Rank}: {what}: expected {typeof(T).Name}");
    }

    /// <summary>What reducing every rank's value with <paramref name="op"/> gives, worked out element by element.</summary>
    private static double[] Reduced(ReduceOp op, int count, DType dt, Func<int, int, double>? value = null)
    {
        value ??= (r, i) => V(r, i, dt);
        var result = new double[count];
        for (int i = 0; i < count; i++)
        {
            var xs = Enumerable.Range(0, N).Select(r => value(r, i)).ToArray();
            result[i] = (op, dt == DType.Bool) switch
            {
                (ReduceOp.Sum or ReduceOp.Max, true) => xs.Any(x => x != 0) ? 1 : 0,
                (ReduceOp.Product or ReduceOp.Min, true) => xs.All(x => x != 0) ? 1 : 0,
                (ReduceOp.Sum, _) => xs.Sum(),
                (ReduceOp.Product, _) => xs.Aggregate(1.0, (a, b) => a * b),
                (ReduceOp.Min, _) => xs.Min(),
                (ReduceOp.Max, _) => xs.Max(),
                (ReduceOp.Avg, _) => xs.Sum() / N,
                _ => throw new ArgumentOutOfRangeException(nameof(op)),
            };
        }
        return result;
    }

    private static int Collectives()
    {
        foreach (var dt in AllDTypes) CollectivesOn(dt);
        Groups();
        return _checks;
    }

    private static void CollectivesOn(DType dt)
    {
        int[] shape = [2, 3];
        const int n = 6;

        foreach (var op in Enum.GetValues<ReduceOp>())
        {
            var t = Make(Vals(Rank, n, dt), shape, dt);
            if (op == ReduceOp.Avg && !dt.IsFloatingPoint())
            {
                Throws<NotSupportedException>(() => Distributed.AllReduce(t, op), $"all_reduce Avg on {dt}");
                continue;
            }
            Distributed.AllReduce(t, op);
            Expect(Reduced(op, n, dt), t, $"all_reduce {op}", op == ReduceOp.Avg ? 1e-6 : 0);
            Expect(t.DType == dt && t.Shape.SequenceEqual(shape), $"all_reduce {op} kept dtype and shape");
        }

        // Asynchronous: the handle completes the operation.
        {
            var t = Make(Vals(Rank, n, dt), shape, dt);
            var w = Distributed.AllReduce(t, ReduceOp.Max, asyncOp: true);
            w.Wait();
            Expect(w.IsCompleted(), "async all_reduce is completed after Wait");
            Expect(Reduced(ReduceOp.Max, n, dt), t, "async all_reduce Max");
        }

        // A non-contiguous view is reduced and written back into its base.
        {
            var baseT = Make(new double[n], [3, 2], dt);
            var view = baseT.Transpose(0, 1);
            using (Autograd.NoGrad()) view.Copy_(Make(Vals(Rank, n, dt), shape, dt));
            Distributed.AllReduce(view, ReduceOp.Sum);
            Expect(Reduced(ReduceOp.Sum, n, dt), view, "all_reduce Sum on a transposed view");
            Expect(Reduced(ReduceOp.Sum, n, dt), baseT.Transpose(0, 1), "all_reduce Sum wrote into the view's base");
        }

        // Broadcast from the last rank.
        {
            var t = Make(Vals(Rank, n, dt), shape, dt);
            Distributed.Broadcast(t, src: N - 1);
            Expect(Vals(N - 1, n, dt), t, "broadcast from the last rank");
        }

        // Reduce into rank 1 % N; the others keep their input.
        {
            int dst = 1 % N;
            var t = Make(Vals(Rank, n, dt), shape, dt);
            Distributed.Reduce(t, dst, ReduceOp.Sum);
            Expect(Rank == dst ? Reduced(ReduceOp.Sum, n, dt) : Vals(Rank, n, dt), t, $"reduce Sum into rank {dst}");
            if (dt.IsFloatingPoint())
            {
                var a = Make(Vals(Rank, n, dt), shape, dt);
                Distributed.Reduce(a, 0, ReduceOp.Avg, asyncOp: true).Wait();
                Expect(Rank == 0 ? Reduced(ReduceOp.Avg, n, dt) : Vals(Rank, n, dt), a, "reduce Avg into rank 0", 1e-6);
            }
        }

        // All-gather into a list and into one tensor.
        {
            var list = Enumerable.Range(0, N).Select(_ => Tensor.Zeros(shape, dt)).ToList();
            Distributed.AllGather(list, Make(Vals(Rank, n, dt), shape, dt));
            for (int k = 0; k < N; k++) Expect(Vals(k, n, dt), list[k], $"all_gather: block {k}");
            var whole = Tensor.Zeros([N * 2, 3], dt);
            Distributed.AllGatherIntoTensor(whole, Make(Vals(Rank, n, dt), shape, dt));
            Expect(Enumerable.Range(0, N).SelectMany(k => Vals(k, n, dt)).ToArray(), whole, "all_gather_into_tensor");
            // Into a non-contiguous output: a transposed [3, N*2] tensor's view.
            var tBase = Tensor.Zeros([3, N * 2], dt);
            Distributed.AllGatherIntoTensor(tBase.Transpose(0, 1), Make(Vals(Rank, n, dt), shape, dt), asyncOp: true).Wait();
            Expect(Enumerable.Range(0, N).SelectMany(k => Vals(k, n, dt)).ToArray(), tBase.Transpose(0, 1), "all_gather_into_tensor into a view");
        }

        // Reduce-scatter: block k of rank r's input holds V(r + k, i); rank r receives the reduction of the blocks numbered r.
        foreach (var op in new[] { ReduceOp.Sum, ReduceOp.Max })
        {
            var inputs = Enumerable.Range(0, N).Select(k => Make(Vals(Rank + k, n, dt), shape, dt)).ToList();
            var output = Tensor.Zeros(shape, dt);
            Distributed.ReduceScatter(output, inputs, op);
            int me = Rank;
            Expect(Reduced(op, n, dt, (r, i) => V(r + me, i, dt)), output, $"reduce_scatter {op}");

            var flat = Make(Vals(Rank, N * n, dt), [N * n], dt);
            var outT = Tensor.Zeros([n], dt);
            Distributed.ReduceScatterTensor(outT, flat, op, asyncOp: true).Wait();
            Expect(Reduced(op, n, dt, (r, i) => V(r, me * n + i, dt)), outT, $"reduce_scatter_tensor {op}");
        }

        // Gather into rank 0; scatter from the last rank.
        {
            var list = Rank == 0 ? Enumerable.Range(0, N).Select(_ => Tensor.Zeros(shape, dt)).ToList() : null;
            Distributed.Gather(Make(Vals(Rank, n, dt), shape, dt), list, dst: 0);
            if (Rank == 0) for (int k = 0; k < N; k++) Expect(Vals(k, n, dt), list![k], $"gather: block {k}");

            var scatterList = Rank == N - 1 ? Enumerable.Range(0, N).Select(k => Make(Vals(k + 10, n, dt), shape, dt)).ToList() : null;
            var got = Tensor.Zeros(shape, dt);
            Distributed.Scatter(got, scatterList, src: N - 1);
            Expect(Vals(Rank + 10, n, dt), got, "scatter from the last rank");
        }

        // Point to point around the ring: even ranks send first, odd ranks receive first (no cycle of waits).
        {
            int next = (Rank + 1) % N, prev = (Rank + N - 1) % N;
            var mine = Make(Vals(Rank, n, dt), shape, dt);
            var got = Tensor.Zeros(shape, dt);
            int from;
            if (Rank % 2 == 0) { Distributed.Send(mine, next); from = Distributed.Recv(got); }
            else { from = Distributed.Recv(got, prev); Distributed.Send(mine, next); }
            Expect(Vals(prev, n, dt), got, "send/recv around the ring");
            Expect(from == prev, $"recv returned sender {from}, expected {prev}");

            var got2 = Tensor.Zeros([3, 2], dt).Transpose(0, 1);
            var r = Distributed.IRecv(got2, prev, tag: 7);
            var s = Distributed.ISend(mine, next, tag: 7);
            s.Wait();
            r.Wait();
            Expect(Vals(prev, n, dt), got2, "isend/irecv into a transposed view");
        }

        Distributed.Barrier();
        Distributed.Barrier(asyncOp: true).Wait();
    }

    private static void Groups()
    {
        // A group of the first and the last rank; the middle ranks (np 3) are not members.
        int last = N - 1;
        var g = Distributed.NewGroup(new[] { 0, last }.Distinct());
        bool member = Rank == 0 || Rank == last;
        Expect(g.IsMember == member, $"group membership of rank {Rank}");
        Expect(Distributed.GetWorldSize(g) == (last == 0 ? 1 : 2), "group size");
        Expect(Distributed.GetRank(g) == (Rank == 0 ? 0 : Rank == last ? 1 : -1), "group rank");
        var t = Make(Vals(Rank, 4, DType.Int64), [4], DType.Int64);
        Distributed.AllReduce(t, ReduceOp.Sum, g);
        var want = member ? Enumerable.Range(0, 4).Select(i => V(0, i, DType.Int64) + (last == 0 ? 0 : V(last, i, DType.Int64))).ToArray() : Vals(Rank, 4, DType.Int64);
        Expect(want, t, "all_reduce in a sub-group");
        // Sources are world ranks: broadcast from the last rank within the group.
        var b = Make(Vals(Rank, 4, DType.Float32), [4], DType.Float32);
        Distributed.Broadcast(b, src: last, group: g);
        Expect(member ? Vals(last, 4, DType.Float32) : Vals(Rank, 4, DType.Float32), b, "broadcast in a sub-group");
        if (member) Throws<ArgumentException>(() => Distributed.Broadcast(b, src: N == 3 ? 1 : 5, group: g), "broadcast from a rank outside the group");
        Distributed.DestroyProcessGroup(g);
        Expect(!g.IsMember, "a destroyed group has no backend");
    }

    private static int Errors()
    {
        var t = Tensor.Ones(4);
        // An error found by MPI itself comes back as an exception naming the collective, the rank and MPI's text.
        // Both forms: the blocking MPI_Bcast and the non-blocking MPI_Ibcast.
        foreach (bool asyncOp in new[] { false, true })
        {
            var e = Throws<DistributedException>(() => Distributed.World.Backend!.Broadcast(t, 99, asyncOp).Wait(), $"broadcast from root 99 through the backend (asyncOp {asyncOp})");
            Console.WriteLine($"rank {Rank}: MPI error: {e.Message}");
            Expect(e.Message.Contains("broadcast") && e.Message.Contains($"rank {Rank}") && e.ErrorCode != 0, "the MPI error names the collective and the rank");
        }

        // Errors found by the front end, before any communication.
        var lists = Throws<ArgumentException>(() => Distributed.AllGather([Tensor.Zeros(4)], t), "all_gather with a list of the wrong length");
        Console.WriteLine($"rank {Rank}: all_gather: {lists.Message}");
        Throws<ArgumentException>(() => Distributed.AllGather(Enumerable.Range(0, N).Select(_ => Tensor.Zeros(5)).ToList(), t), "all_gather with tensors of the wrong shape");
        Throws<ArgumentException>(() => Distributed.Broadcast(t, src: N), "broadcast from a rank outside the world");
        Throws<ArgumentException>(() => Distributed.AllGatherIntoTensor(Tensor.Zeros(3), t), "all_gather_into_tensor with a small output");
        Throws<ArgumentException>(() => Distributed.Gather(t, Rank == 0 ? null : [t], dst: 0), "gather's list on the wrong rank");
        Throws<NotSupportedException>(() => Distributed.AllReduce(Tensor.Ones(3).To(DType.Int32), ReduceOp.Avg), "all_reduce Avg on int32");
        Throws<InvalidOperationException>(() => Distributed.InitProcessGroup(), "init_process_group twice");
        Distributed.Barrier();
        return _checks;
    }

    private static int Throw()
    {
        // Rank 1 dies with an unhandled exception while the others wait in a collective: the job must end, not hang.
        if (Rank == 1) throw new InvalidOperationException("scenario throw: rank 1 fails on purpose");
        Distributed.AllReduce(Tensor.Ones(4));
        return 0;
    }
}
