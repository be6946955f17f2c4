using System.Buffers.Binary;
using Google.Protobuf;

namespace MlNetFashion.Engine.Onnx;

/// <summary>
/// What <see cref="OnnxWeights"/> needs of an ONNX ModelProto: the producer, the metadata, the nodes in graph order
/// (operator and inputs) and the float initializers. Field numbers from onnx/onnx.proto.
/// </summary>
internal sealed class OnnxModelFile
{
    private const int ModelProducerName = 2, ModelGraph = 7, ModelMetadata = 14, GraphNode = 1, GraphInitializer = 5;
    private const int NodeInput = 1, NodeOpType = 4, EntryKey = 1, EntryValue = 2;
    private const int TensorDims = 1, TensorDataType = 2, TensorFloatData = 4, TensorName = 8, TensorRawData = 9, DataTypeFloat = 1;

    public sealed record Node(string OpType, IReadOnlyList<string> Inputs);

    public string Producer { get; private set; } = "";
    public Dictionary<string, string> Metadata { get; } = [];
    public List<Node> Nodes { get; } = [];
    /// <summary>Float initializers by name: dimensions and values.</summary>
    public Dictionary<string, (long[] Dims, float[] Values)> Initializers { get; } = [];

    /// <summary>Parses <paramref name="bytes"/>; throws InvalidDataException naming <paramref name="name"/> when it is not ONNX.</summary>
    public static OnnxModelFile Parse(byte[] bytes, string name)
    {
        var file = new OnnxModelFile();
        try
        {
            bool graph = false;
            foreach (var (field, input) in Fields(new CodedInputStream(bytes)))
            {
                if (field == ModelProducerName) file.Producer = input.ReadString();
                else if (field == ModelGraph) { file.ReadGraph(input.ReadBytes()); graph = true; }
                else if (field == ModelMetadata) file.ReadEntry(input.ReadBytes());
                else input.SkipLastField();
            }
            if (!graph) throw new InvalidDataException("no graph");
        }
        catch (Exception ex) when (ex is InvalidProtocolBufferException or InvalidDataException)
        {
            throw new InvalidDataException($"{name}: not an ONNX model ({ex.Message})", ex);
        }
        return file;
    }

    /// <summary>The fields of a message in order: its number, with the stream positioned at its value.</summary>
    private static IEnumerable<(int Field, CodedInputStream Input)> Fields(CodedInputStream input) =>
        Tags(input).Select(tag => (WireFormat.GetTagFieldNumber(tag), input));

    private static IEnumerable<uint> Tags(CodedInputStream input)
    {
        for (uint tag = input.ReadTag(); tag != 0; tag = input.ReadTag()) yield return tag;
    }

    private void ReadGraph(ByteString bytes)
    {
        foreach (var (field, input) in Fields(bytes.CreateCodedInput()))
        {
            if (field == GraphNode) Nodes.Add(ReadNode(input.ReadBytes()));
            else if (field == GraphInitializer) ReadTensor(input.ReadBytes());
            else input.SkipLastField();
        }
    }

    private static Node ReadNode(ByteString bytes)
    {
        var inputs = new List<string>();
        string op = "";
        foreach (var (field, input) in Fields(bytes.CreateCodedInput()))
        {
            if (field == NodeInput) inputs.Add(input.ReadString());
            else if (field == NodeOpType) op = input.ReadString();
            else input.SkipLastField();
        }
        return new Node(op, inputs);
    }

    private void ReadEntry(ByteString bytes)
    {
        string key = "", value = "";
        foreach (var (field, input) in Fields(bytes.CreateCodedInput()))
        {
            if (field == EntryKey) key = input.ReadString();
            else if (field == EntryValue) value = input.ReadString();
            else input.SkipLastField();
        }
        Metadata[key] = value;
    }

    private void ReadTensor(ByteString bytes)
    {
        var dims = new List<long>();
        var floats = new List<float>();
        float[]? raw = null;
        long type = 0;
        string name = "";
        CodedInputStream input = bytes.CreateCodedInput();
        foreach (uint tag in Tags(input))
        {
            bool packed = WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited;
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case TensorDims when packed:
                    for (var values = input.ReadBytes().CreateCodedInput(); !values.IsAtEnd;) dims.Add(values.ReadInt64());
                    break;
                case TensorDims: dims.Add(input.ReadInt64()); break;
                case TensorDataType: type = input.ReadInt64(); break;
                case TensorName: name = input.ReadString(); break;
                case TensorRawData: raw = Floats(input.ReadBytes().Span); break;
                case TensorFloatData when packed: floats.AddRange(Floats(input.ReadBytes().Span)); break;
                case TensorFloatData: floats.Add(input.ReadFloat()); break;
                default: input.SkipLastField(); break;
            }
        }
        if (type == DataTypeFloat) Initializers[name] = ([.. dims], raw ?? [.. floats]);
    }

    /// <summary>Little-endian float32 values, as raw_data and packed float_data store them.</summary>
    private static float[] Floats(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length % 4 != 0) throw new InvalidDataException($"float data of {bytes.Length} bytes");
        var values = new float[bytes.Length / 4];
        for (int i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(4 * i)..]);
        return values;
    }
}
