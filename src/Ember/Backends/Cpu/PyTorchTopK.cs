namespace Ember.Backends.Cpu;

/// <summary>
/// PyTorch 1.13's CPU top-k selection (ATen/native/TopKImpl.h, largest and sorted) with the GNU
/// libstdc++ <c>std::partial_sort</c>, <c>std::nth_element</c> and <c>std::sort</c> it is built
/// with, step for step, so that among equal values the same positions win in the same order as in
/// PyTorch. <c>torch.multinomial</c> without replacement needs this: once every positive weight is
/// drawn, the zero-weight categories all tie at 0 and PyTorch returns them in the order these
/// algorithms leave them. Ember's general <c>Tensor.TopK</c> orders ties by position instead.
/// </summary>
internal static class PyTorchTopK
{
    private const int SortThreshold = 16; // libstdc++'s _S_threshold

    /// <summary>The positions of the <paramref name="k"/> largest of <paramref name="values"/>, largest first (NaN counts as largest).</summary>
    public static long[] Largest(ReadOnlySpan<double> values, int k)
    {
        var q = new (double Value, long Index)[values.Length];
        for (int j = 0; j < q.Length; j++) q[j] = (values[j], j);
        var result = new long[k];
        if (k == 0) return result;
        if ((long)k * 64 <= q.Length)
        {
            HeapSelect(q, 0, k, q.Length);
            SortHeap(q, 0, k);
        }
        else
        {
            NthElement(q, 0, k - 1, q.Length);
            Sort(q, 0, k - 1);
        }
        for (int j = 0; j < k; j++) result[j] = q[j].Index;
        return result;
    }

    // topk_impl_loop's comparator for largest: NaN first, then descending.
    private static bool Comp((double Value, long Index) x, (double Value, long Index) y) =>
        (double.IsNaN(x.Value) && !double.IsNaN(y.Value)) || x.Value > y.Value;

    private static int Lg(int n) => 31 - System.Numerics.BitOperations.LeadingZeroCount((uint)n);

    private static void Swap((double, long)[] a, int i, int j) => (a[i], a[j]) = (a[j], a[i]);

    // std::sort: introsort down to runs of 16, then one final insertion sort.
    private static void Sort((double Value, long Index)[] a, int first, int last)
    {
        if (first == last) return;
        IntrosortLoop(a, first, last, Lg(last - first) * 2);
        if (last - first > SortThreshold)
        {
            InsertionSort(a, first, first + SortThreshold);
            for (int i = first + SortThreshold; i != last; i++) UnguardedLinearInsert(a, i);
        }
        else InsertionSort(a, first, last);
    }

    private static void IntrosortLoop((double Value, long Index)[] a, int first, int last, int depth)
    {
        while (last - first > SortThreshold)
        {
            if (depth == 0)
            {
                HeapSelect(a, first, last, last);
                SortHeap(a, first, last);
                return;
            }
            depth--;
            int cut = UnguardedPartitionPivot(a, first, last);
            IntrosortLoop(a, cut, last, depth);
            last = cut;
        }
    }

    // std::nth_element: introselect, finished by an insertion sort of the last short range.
    private static void NthElement((double Value, long Index)[] a, int first, int nth, int last)
    {
        if (first == last || nth == last) return;
        int depth = Lg(last - first) * 2;
        while (last - first > 3)
        {
            if (depth == 0)
            {
                HeapSelect(a, first, nth + 1, last);
                Swap(a, first, nth);
                return;
            }
            depth--;
            int cut = UnguardedPartitionPivot(a, first, last);
            if (cut <= nth) first = cut; else last = cut;
        }
        InsertionSort(a, first, last);
    }

    private static int UnguardedPartitionPivot((double Value, long Index)[] a, int first, int last)
    {
        int mid = first + (last - first) / 2;
        MoveMedianToFirst(a, first, first + 1, mid, last - 1);
        return UnguardedPartition(a, first + 1, last, first);
    }

    private static void MoveMedianToFirst((double Value, long Index)[] a, int result, int x, int y, int z)
    {
        if (Comp(a[x], a[y]))
        {
            if (Comp(a[y], a[z])) Swap(a, result, y);
            else if (Comp(a[x], a[z])) Swap(a, result, z);
            else Swap(a, result, x);
        }
        else if (Comp(a[x], a[z])) Swap(a, result, x);
        else if (Comp(a[y], a[z])) Swap(a, result, z);
        else Swap(a, result, y);
    }

    private static int UnguardedPartition((double Value, long Index)[] a, int first, int last, int pivot)
    {
        while (true)
        {
            while (Comp(a[first], a[pivot])) first++;
            last--;
            while (Comp(a[pivot], a[last])) last--;
            if (!(first < last)) return first;
            Swap(a, first, last);
            first++;
        }
    }

    private static void InsertionSort((double Value, long Index)[] a, int first, int last)
    {
        if (first == last) return;
        for (int i = first + 1; i != last; i++)
        {
            if (Comp(a[i], a[first]))
            {
                var v = a[i];
                Array.Copy(a, first, a, first + 1, i - first);
                a[first] = v;
            }
            else UnguardedLinearInsert(a, i);
        }
    }

    private static void UnguardedLinearInsert((double Value, long Index)[] a, int last)
    {
        var v = a[last];
        int next = last - 1;
        while (Comp(v, a[next]))
        {
            a[last] = a[next];
            last = next;
            next--;
        }
        a[last] = v;
    }

    // std::__heap_select: a heap of [first, middle), then every later element that beats its top replaces it.
    private static void HeapSelect((double Value, long Index)[] a, int first, int middle, int last)
    {
        MakeHeap(a, first, middle);
        for (int i = middle; i < last; i++)
            if (Comp(a[i], a[first])) PopHeap(a, first, middle, i);
    }

    private static void SortHeap((double Value, long Index)[] a, int first, int last)
    {
        while (last - first > 1)
        {
            last--;
            PopHeap(a, first, last, last);
        }
    }

    private static void PopHeap((double Value, long Index)[] a, int first, int last, int result)
    {
        var v = a[result];
        a[result] = a[first];
        AdjustHeap(a, first, 0, last - first, v);
    }

    private static void MakeHeap((double Value, long Index)[] a, int first, int last)
    {
        int len = last - first;
        if (len < 2) return;
        int parent = (len - 2) / 2;
        while (true)
        {
            AdjustHeap(a, first, parent, len, a[first + parent]);
            if (parent == 0) return;
            parent--;
        }
    }

    private static void AdjustHeap((double Value, long Index)[] a, int first, int hole, int len, (double Value, long Index) v)
    {
        int top = hole, child = hole;
        while (child < (len - 1) / 2)
        {
            child = 2 * (child + 1);
            if (Comp(a[first + child], a[first + child - 1])) child--;
            a[first + hole] = a[first + child];
            hole = child;
        }
        if ((len & 1) == 0 && child == (len - 2) / 2)
        {
            child = 2 * (child + 1);
            a[first + hole] = a[first + child - 1];
            hole = child - 1;
        }
        // std::__push_heap
        int parent = (hole - 1) / 2;
        while (hole > top && Comp(a[first + parent], v))
        {
            a[first + hole] = a[first + parent];
            hole = parent;
            parent = (hole - 1) / 2;
        }
        a[first + hole] = v;
    }
}
