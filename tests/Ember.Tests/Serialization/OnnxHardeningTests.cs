using Ember.Serialization;
using Ember.Serialization.OnnxProto;
using Google.Protobuf;
using Xunit;

namespace Ember.Tests.Serialization;

/// <summary>
/// Malformed and hostile ONNX files are refused by <see cref="Onnx.Load(string, long)"/> with an
/// <see cref="InvalidDataException"/> (the file is wrong) or a <see cref="NotSupportedException"/> (Ember does not
/// do what it asks), each naming what is wrong, and without allocating what a lying header asks for.
/// </summary>
public sealed class OnnxHardeningTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ember-onnx-hard-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>y = relu(x W) with x [batch, 4] and W [4, 3]: the smallest model each case damages.</summary>
    internal static ModelProto Tiny()
    {
        var w = new TensorProto { Name = "W", DataType = (int)TensorProto.Types.DataType.Float };
        w.Dims.Add([4, 3]);
        w.RawData = ByteString.CopyFrom(Enumerable.Range(0, 12).SelectMany(i => BitConverter.GetBytes(i * 0.1f - 0.5f)).ToArray());
        var g = new GraphProto { Name = "tiny" };
        g.Initializer.Add(w);
        g.Input.Add(Info("x", "batch", 4));
        g.Output.Add(Info("y", "batch", 3));
        g.Node.Add(Node("MatMul", ["x", "W"], ["h"]));
        g.Node.Add(Node("Relu", ["h"], ["y"]));
        var m = new ModelProto { IrVersion = 8, ProducerName = "test", Graph = g };
        m.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 17 });
        return m;
    }

    internal static NodeProto Node(string op, string[] inputs, string[] outputs, string? name = null)
    {
        var n = new NodeProto { OpType = op, Name = name ?? op + "_" + outputs[0] };
        n.Input.AddRange(inputs);
        n.Output.AddRange(outputs);
        return n;
    }

    private static ValueInfoProto Info(string name, string batch, long features)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = batch });
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = features });
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = 1, Shape = shape } } };
    }

    private static T Refused<T>(ModelProto m, string fragment) where T : Exception
    {
        var e = Assert.Throws<T>(() => Onnx.Load(m.ToByteArray()));
        Assert.Contains(fragment, e.Message, StringComparison.Ordinal);
        return e;
    }

    [Fact]
    public void TheTinyModelLoadsAndRuns()
    {
        var model = Onnx.Load(Tiny().ToByteArray());
        var y = model.Call(Tensor.Ones(2, 4));
        Assert.Equal([2, 3], y.Shape.ToArray());
        Assert.Equal(["W"], model.StateDict().Keys);
        using var s = new MemoryStream(Tiny().ToByteArray());
        Assert.Equal(y.ToArray<float>(), Onnx.Load(s).Call(Tensor.Ones(2, 4)).ToArray<float>());
    }

    [Fact]
    public void BadProtobufAndTruncatedFilesAreRefused()
    {
        Assert.Throws<InvalidDataException>(() => Onnx.Load(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x01 }));
        Assert.Throws<InvalidDataException>(() => Onnx.Load(System.Text.Encoding.ASCII.GetBytes("not an onnx file at all")));
        var bytes = Tiny().ToByteArray();
        for (int cut = 0; cut < bytes.Length; cut += 7)
            Assert.Throws<InvalidDataException>(() => Onnx.Load(bytes[..cut]));
        Assert.Throws<InvalidDataException>(() => Onnx.Load(Array.Empty<byte>()));
    }

    [Fact]
    public void TensorsWhoseDeclaredSizeExceedsTheirDataAreRefused()
    {
        var m = Tiny();
        m.Graph.Initializer[0].Dims[1] = 3000;
        Refused<InvalidDataException>(m, "declares shape [4, 3000]");

        m = Tiny();
        m.Graph.Initializer[0].Dims[0] = -1;
        Refused<InvalidDataException>(m, "dim 0 of size -1");

        m = Tiny();
        m.Graph.Initializer[0].Dims.Clear();
        m.Graph.Initializer[0].Dims.Add([1L << 40, 1L << 40]);
        Refused<InvalidDataException>(m, "of size 1099511627776");

        m = Tiny();
        m.Graph.Initializer[0].Dims.Clear();
        m.Graph.Initializer[0].Dims.Add([1 << 20, 1 << 20]);
        long before = GC.GetAllocatedBytesForCurrentThread();
        Refused<InvalidDataException>(m, "more than");
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16 << 20, "a lying shape must not be allocated");

        m = Tiny();
        m.Graph.Initializer[0].RawData = ByteString.CopyFrom(new byte[47]);
        Refused<InvalidDataException>(m, "holds 47 bytes of raw_data");

        m = Tiny();
        m.Graph.Initializer[0].RawData = ByteString.Empty;
        m.Graph.Initializer[0].FloatData.Add([1f, 2f]);
        Refused<InvalidDataException>(m, "holds 2 values");

        m = Tiny();
        m.Graph.Initializer[0].DataType = (int)TensorProto.Types.DataType.Float16;
        Refused<NotSupportedException>(m, "float16");
    }

    private static ModelProto External(string location, long offset = 0)
    {
        var m = Tiny();
        var w = m.Graph.Initializer[0];
        w.RawData = ByteString.Empty;
        w.DataLocation = TensorProto.Types.DataLocation.External;
        w.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = location });
        w.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = offset.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        return m;
    }

    [Fact]
    public void ExternalDataIsReadOnlyFromInsideTheModelsFolder()
    {
        string modelDir = Path.Combine(_dir, "model");
        Directory.CreateDirectory(modelDir);
        var weights = Enumerable.Range(0, 12).SelectMany(i => BitConverter.GetBytes(i * 0.1f - 0.5f)).ToArray();
        File.WriteAllBytes(Path.Combine(modelDir, "weights.bin"), [.. new byte[8], .. weights]);
        File.WriteAllBytes(Path.Combine(_dir, "secret.bin"), weights);

        string Write(ModelProto m)
        {
            string p = Path.Combine(modelDir, "m.onnx");
            File.WriteAllBytes(p, m.ToByteArray());
            return p;
        }

        var inside = Onnx.Load(Write(External("weights.bin", offset: 8)));
        Assert.Equal(Onnx.Load(Tiny().ToByteArray()).Call(Tensor.Ones(1, 4)).ToArray<float>(), inside.Call(Tensor.Ones(1, 4)).ToArray<float>());

        Assert.Contains("outside the model's folder", Assert.Throws<InvalidDataException>(() => Onnx.Load(Write(External("../secret.bin")))).Message, StringComparison.Ordinal);
        Assert.Contains("relative", Assert.Throws<InvalidDataException>(() => Onnx.Load(Write(External(Path.Combine(_dir, "secret.bin"))))).Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", Assert.Throws<InvalidDataException>(() => Onnx.Load(Write(External("missing.bin")))).Message, StringComparison.Ordinal);
        Assert.Contains("has 56 bytes", Assert.Throws<InvalidDataException>(() => Onnx.Load(Write(External("weights.bin", offset: 40)))).Message, StringComparison.Ordinal);
        // From bytes or a stream there is no folder: external data is refused outright.
        Refused<NotSupportedException>(External("weights.bin"), "external file");
    }

    [Fact]
    public void GraphsWithUndefinedValuesCyclesOrDuplicateNamesAreRefused()
    {
        var m = Tiny();
        m.Graph.Node[1].Input[0] = "nowhere";
        Refused<InvalidDataException>(m, "reads 'nowhere', which no graph input, initializer or node defines");

        m = Tiny();
        m.Graph.Output[0].Name = "nothing";
        Refused<InvalidDataException>(m, "graph output 'nothing'");

        m = Tiny();
        m.Graph.Node[0].Input[0] = "y";   // MatMul reads Relu's output, Relu reads MatMul's
        Refused<InvalidDataException>(m, "cycle");

        m = Tiny();
        m.Graph.Node[1].Output[0] = "h";
        Refused<InvalidDataException>(m, "'h' is defined twice");

        m = Tiny();
        m.Graph.Initializer.Add(m.Graph.Initializer[0].Clone());
        Refused<InvalidDataException>(m, "'W' is defined twice");

        m = Tiny();
        m.Graph.Node[0].Output[0] = "x";
        Refused<InvalidDataException>(m, "'x' is defined twice");

        // Nodes out of order are sorted, as ONNX Runtime does.
        m = Tiny();
        (m.Graph.Node[0], m.Graph.Node[1]) = (m.Graph.Node[1].Clone(), m.Graph.Node[0].Clone());
        Assert.Equal([2, 3], Onnx.Load(m.ToByteArray()).Call(Tensor.Ones(2, 4)).Shape.ToArray());
    }

    [Fact]
    public void UnknownOperatorsAreRefusedByNameWithTheSupportedList()
    {
        var m = Tiny();
        m.Graph.Node[1].OpType = "FancyActivation";
        var e = Refused<NotSupportedException>(m, "the ONNX operator FancyActivation is not supported");
        Assert.Contains("Conv, ", e.Message, StringComparison.Ordinal);

        m = Tiny();
        m.Graph.Node[1].Domain = "com.microsoft";
        Refused<NotSupportedException>(m, "'com.microsoft'");

        m = Tiny();
        m.Graph.Node[1].Attribute.Add(new AttributeProto { Name = "alpha", Type = AttributeProto.Types.AttributeType.Float, F = 2 });
        Refused<NotSupportedException>(m, "the attribute 'alpha'");

        m = Tiny();
        m.Graph.Node[0].Input.Add("x");
        Refused<InvalidDataException>(m, "has 3 inputs; MatMul takes 2");
    }

    [Fact]
    public void OpsetAndIrVersionsAreChecked()
    {
        var m = Tiny();
        m.OpsetImport[0].Version = 9;
        Refused<NotSupportedException>(m, "opset 9; Ember loads opsets 13 to 21");
        m.OpsetImport[0].Version = 99;
        Refused<NotSupportedException>(m, "opset 99");
        m.OpsetImport.Clear();
        Refused<InvalidDataException>(m, "opset_import");

        m = Tiny();
        m.IrVersion = 0;
        Refused<InvalidDataException>(m, "no ir_version");
        m.IrVersion = 99;
        Refused<NotSupportedException>(m, "IR version 99");

        m = Tiny();
        m.Graph = null;
        Refused<InvalidDataException>(m, "no graph");
    }

    [Fact]
    public void AwkwardInitializerNamesBecomeStateDictKeys()
    {
        // Dotted names become submodules; names that cannot be paths (empty parts, a prefix of another name) stay flat.
        var m = Tiny();
        m.Graph.Node.Clear();
        var names = new[] { "x.", "x_.w", "a", "a.b", "onnx::MatMul_7", "c.d.e" };
        string last = "x";
        foreach (var (n, i) in names.Select((n, i) => (n, i)))
        {
            var t = new TensorProto { Name = n, DataType = (int)TensorProto.Types.DataType.Float };
            t.FloatData.Add(i);
            m.Graph.Initializer.Add(t);
            string next = i == names.Length - 1 ? "h" : "s" + i;
            m.Graph.Node.Add(Node("Add", [last, n], [next]));
            last = next;
        }
        m.Graph.Node.Add(Node("MatMul", ["h", "W"], ["y"]));
        var model = Onnx.Load(m.ToByteArray());
        var keys = model.StateDict().Keys.ToHashSet();
        foreach (var k in new[] { "x.", "x_.w", "a", "a.b", "onnx::MatMul_7", "c.d.e", "W" })
            Assert.True(keys.Contains(k) || keys.Contains(k.Replace('.', '_')) || keys.Contains(k.Replace('.', '_') + "_"), $"'{k}' is missing from {string.Join(", ", keys)}");
        Assert.Contains("c.d.e", keys);
        Assert.Contains("x_.w", keys);
        var x = Tensor.Ones(2, 4);
        Assert.Equal([2, 3], model.Call(x).Shape.ToArray());
    }

    [Fact]
    public void FilesOverTheSizeLimitAreRefusedBeforeTheyAreRead()
    {
        string p = Path.Combine(_dir, "tiny.onnx");
        File.WriteAllBytes(p, Tiny().ToByteArray());
        Assert.Contains("more than the limit", Assert.Throws<InvalidDataException>(() => Onnx.Load(p, maxBytes: 16)).Message, StringComparison.Ordinal);
        using var s = File.OpenRead(p);
        Assert.Throws<InvalidDataException>(() => Onnx.Load(s, maxBytes: 16));
        Assert.Throws<FileNotFoundException>(() => Onnx.Load(Path.Combine(_dir, "absent.onnx")));
    }

    [Fact]
    public void ANodeThatFailsAtRunTimeIsNamed()
    {
        var m = Tiny();
        var shape = new TensorProto { Name = "shape", DataType = (int)TensorProto.Types.DataType.Int64 };
        shape.Dims.Add(2);
        shape.Int64Data.Add([5, 7]);
        m.Graph.Initializer.Add(shape);
        m.Graph.Node[1].Input.Clear();
        m.Graph.Node[1].Input.Add(["h", "shape"]);
        m.Graph.Node[1].OpType = "Reshape";
        m.Graph.Node[1].Name = "bad_reshape";
        var model = Onnx.Load(m.ToByteArray());
        var e = Assert.Throws<InvalidOperationException>(() => model.Call(Tensor.Ones(2, 4)));
        Assert.Contains("node 'bad_reshape' (Reshape) failed", e.Message, StringComparison.Ordinal);

        // Integer division by zero (ONNX leaves it undefined; Ember refuses it) is a failed node too.
        var div = Tiny();
        div.Graph.Initializer.Clear();
        var zero = new TensorProto { Name = "zero", DataType = (int)TensorProto.Types.DataType.Int64 };
        zero.Int64Data.Add(0);
        div.Graph.Initializer.Add(zero);
        div.Graph.Input[0].Type.TensorType.ElemType = (int)TensorProto.Types.DataType.Int64;
        div.Graph.Node.Clear();
        div.Graph.Node.Add(Node("Div", ["x", "zero"], ["y"], "int_div"));
        var divModel = Onnx.Load(div.ToByteArray());
        e = Assert.Throws<InvalidOperationException>(() => divModel.Call(Tensor.Ones([2, 4], DType.Int64)));
        Assert.Contains("node 'int_div' (Div) failed", e.Message, StringComparison.Ordinal);
    }
}
