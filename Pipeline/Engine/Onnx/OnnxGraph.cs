using System.Runtime.InteropServices;

namespace MlNetFashion.Engine.Onnx;

/// <summary>
/// A minimal ONNX model under construction: nodes, float and int64 initializers, one float input and outputs with a dynamic
/// batch dimension "N". <see cref="Serialize"/> writes the ModelProto (field numbers from onnx/onnx.proto).
/// </summary>
internal sealed class OnnxGraph
{
    // onnx.proto field numbers.
    private const int ModelIrVersion = 1, ModelProducerName = 2, ModelProducerVersion = 3, ModelVersion = 5, ModelDocString = 6,
        ModelGraph = 7, ModelOpsetImport = 8, ModelMetadata = 14;
    private const int GraphNode = 1, GraphName = 2, GraphInitializer = 5, GraphInput = 11, GraphOutput = 12;
    private const int NodeInput = 1, NodeOutput = 2, NodeName = 3, NodeOpType = 4, NodeAttribute = 5;
    private const int AttrName = 1, AttrF = 2, AttrI = 3, AttrInts = 8, AttrType = 20;
    private const int AttrTypeFloat = 1, AttrTypeInt = 2, AttrTypeInts = 7;
    private const int TensorDims = 1, TensorDataType = 2, TensorName = 8, TensorRawData = 9, DataTypeFloat = 1, DataTypeInt64 = 7;
    private const int ValueName = 1, ValueType = 2, TypeTensor = 1, TensorElemType = 1, TensorShape = 2, ShapeDim = 1, DimValue = 1,
        DimParam = 2;
    private const int OpsetDomain = 1, OpsetVersion = 2, EntryKey = 1, EntryValue = 2;

    public const long IrVersion = 8;

    /// <summary>
    /// The version of our model contract (input, outputs, metadata keys). Unset, ONNX Runtime reports it as
    /// 9,223,372,036,854,775,807 and tools show that.
    /// </summary>
    public const long ContractVersion = 1;
    public const long Opset = 17;

    private readonly List<Action<ProtoWriter>> _nodes = [];
    private readonly List<Action<ProtoWriter>> _initializers = [];
    private readonly List<Action<ProtoWriter>> _inputs = [];
    private readonly List<Action<ProtoWriter>> _outputs = [];
    private int _counter;

    /// <summary>A fresh tensor name for an intermediate value.</summary>
    public string NewName(string hint) => $"{hint}_{++_counter}";

    public void AddInput(string name, params long[] sampleDims) => _inputs.Add(w => ValueInfo(w, name, sampleDims));
    public void AddOutput(string name, params long[] sampleDims) => _outputs.Add(w => ValueInfo(w, name, sampleDims));

    /// <summary>A float initializer (weights or constants); dims empty for a scalar.</summary>
    public string AddInitializer(string name, ReadOnlySpan<float> values, params long[] dims)
    {
        byte[] raw = MemoryMarshal.AsBytes(values).ToArray();
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("ONNX raw_data is little-endian.");
        _initializers.Add(w =>
        {
            if (dims.Length > 0) w.PackedInt64(TensorDims, dims);
            w.Int64(TensorDataType, DataTypeFloat);
            w.String(TensorName, name);
            w.Bytes(TensorRawData, raw);
        });
        return name;
    }

    /// <summary>An int64 initializer (shapes, indices, pads, slice bounds), always 1-D.</summary>
    public string AddInt64Initializer(string name, params long[] values)
    {
        byte[] raw = MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("ONNX raw_data is little-endian.");
        _initializers.Add(w =>
        {
            w.PackedInt64(TensorDims, [values.Length]);
            w.Int64(TensorDataType, DataTypeInt64);
            w.String(TensorName, name);
            w.Bytes(TensorRawData, raw);
        });
        return name;
    }

    public void AddNode(string opType, string name, string[] inputs, string[] outputs, params OnnxAttribute[] attributes)
    {
        _nodes.Add(w =>
        {
            foreach (string i in inputs) w.String(NodeInput, i);
            foreach (string o in outputs) w.String(NodeOutput, o);
            w.String(NodeName, name);
            w.String(NodeOpType, opType);
            foreach (OnnxAttribute a in attributes) w.Message(NodeAttribute, a.Write);
        });
    }

    public byte[] Serialize(string graphName, string producer, string producerVersion, string docString,
        IReadOnlyDictionary<string, string> metadata)
    {
        var model = new ProtoWriter();
        model.Int64(ModelIrVersion, IrVersion);
        model.String(ModelProducerName, producer);
        model.String(ModelProducerVersion, producerVersion);
        model.Int64(ModelVersion, ContractVersion);
        model.String(ModelDocString, docString);
        model.Message(ModelGraph, g =>
        {
            foreach (var n in _nodes) g.Message(GraphNode, n);
            g.String(GraphName, graphName);
            foreach (var i in _initializers) g.Message(GraphInitializer, i);
            foreach (var i in _inputs) g.Message(GraphInput, i);
            foreach (var o in _outputs) g.Message(GraphOutput, o);
        });
        model.Message(ModelOpsetImport, o =>
        {
            o.String(OpsetDomain, "");
            o.Int64(OpsetVersion, Opset);
        });
        foreach (var (key, value) in metadata)
            model.Message(ModelMetadata, e => { e.String(EntryKey, key); e.String(EntryValue, value); });
        return model.ToArray();
    }

    /// <summary>A float tensor value: [N, ...sampleDims] with N the symbolic batch.</summary>
    private static void ValueInfo(ProtoWriter w, string name, long[] sampleDims)
    {
        w.String(ValueName, name);
        w.Message(ValueType, t => t.Message(TypeTensor, tt =>
        {
            tt.Int64(TensorElemType, DataTypeFloat);
            tt.Message(TensorShape, s =>
            {
                s.Message(ShapeDim, d => d.String(DimParam, "N"));
                foreach (long dim in sampleDims) s.Message(ShapeDim, d => d.Int64(DimValue, dim));
            });
        }));
    }

    internal static void AttributeInt(ProtoWriter w, string name, long value)
    {
        w.String(AttrName, name); w.Int64(AttrI, value); w.Int64(AttrType, AttrTypeInt);
    }
    internal static void AttributeFloat(ProtoWriter w, string name, float value)
    {
        w.String(AttrName, name); w.Float(AttrF, value); w.Int64(AttrType, AttrTypeFloat);
    }
    internal static void AttributeInts(ProtoWriter w, string name, long[] values)
    {
        w.String(AttrName, name);
        foreach (long v in values) w.Int64(AttrInts, v);
        w.Int64(AttrType, AttrTypeInts);
    }
}

/// <summary>A node attribute: an int, a float or a list of ints.</summary>
internal readonly record struct OnnxAttribute(Action<ProtoWriter> Write)
{
    public static OnnxAttribute Int(string name, long value) => new(w => OnnxGraph.AttributeInt(w, name, value));
    public static OnnxAttribute Float(string name, float value) => new(w => OnnxGraph.AttributeFloat(w, name, value));
    public static OnnxAttribute Ints(string name, params long[] values) => new(w => OnnxGraph.AttributeInts(w, name, values));
}
