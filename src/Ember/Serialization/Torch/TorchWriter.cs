using Ember.NN;
using Ember.Serialization.Pickle;

namespace Ember.Serialization.Torch;

/// <summary>
/// Writes PyTorch's zip checkpoint format: <c>archive/data.pkl</c>, <c>archive/byteorder</c>,
/// <c>archive/data/N</c> for each distinct storage (views and tensors sharing a storage keep sharing
/// it, as in <c>torch.save</c>) and <c>archive/version</c>.
/// </summary>
internal static class TorchWriter
{
    public static void Write(object? value, Stream output)
    {
        var keys = new Dictionary<Storage, string>(ReferenceEqualityComparer.Instance);
        var order = new List<Storage>();
        void WriteTensor(PickleWriter w, Tensor t)
        {
            if (t.Device != Device.Cpu) t = t.Cpu();
            bool param = t is Parameter;
            if (param) w.Global("torch._utils", "_rebuild_parameter");
            if (param) w.Mark();
            w.Global("torch._utils", "_rebuild_tensor_v2");
            w.Mark();
            if (!keys.TryGetValue(t.Storage, out var key))
            {
                keys[t.Storage] = key = keys.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
                order.Add(t.Storage);
            }
            // Persistent id ('storage', torch.XStorage, key, 'cpu', numel), then BINPERSID.
            w.Mark();
            w.Str("storage");
            w.Global("torch", StorageClass(t.DType));
            w.Str(key);
            w.Str("cpu");
            w.Int(t.Storage.Length);
            w.Op((byte)'t');
            w.Op((byte)'Q');
            w.Int(t.Layout.Offset);
            w.Tuple(t.Layout.Shape.Select(x => (object?)(long)x).ToArray());
            w.Tuple(t.Layout.Strides.Select(x => (object?)(long)x).ToArray());
            w.Op(param ? (byte)0x89 : t.RequiresGrad ? (byte)0x88 : (byte)0x89);
            w.Global("collections", "OrderedDict"); w.Op((byte)')'); w.Op((byte)'R'); // backward hooks
            w.Op((byte)'t');
            w.Op((byte)'R');
            if (param)
            {
                w.Op(t.RequiresGrad ? (byte)0x88 : (byte)0x89);
                w.Global("collections", "OrderedDict"); w.Op((byte)')'); w.Op((byte)'R');
                w.Op((byte)'t');
                w.Op((byte)'R');
            }
        }
        byte[] pickle = new PickleWriter(WriteTensor).Dump(value);
        var zip = new StoredZipWriter(output);
        zip.Add("archive/data.pkl", pickle);
        zip.Add("archive/byteorder", "little"u8);
        foreach (var s in order) zip.Add("archive/data/" + keys[s], ElementKind.EncodeStorage(s));
        zip.Add("archive/version", "3\n"u8);
        zip.Finish();
    }

    private static string StorageClass(DType t) => t switch
    {
        DType.Float32 => "FloatStorage", DType.Float64 => "DoubleStorage", DType.Int64 => "LongStorage",
        DType.Int32 => "IntStorage", DType.UInt8 => "ByteStorage", DType.Bool => "BoolStorage",
        _ => throw new ArgumentOutOfRangeException(nameof(t)),
    };
}
