using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace MlNetFashion.Pipeline.Trainer;

/// <summary>The ONNX model's probabilities of any number of classes ([N, K] → Vector&lt;Single, 1, K&gt;).</summary>
public sealed class AnyProbabilitiesRow
{
    [ColumnName(ScoringChain.ProbabilitiesColumn), VectorType]
    public float[] Probabilities { get; set; } = [];
}

/// <summary>The index of the winning class as text ("0" … "K−1"), ready for MapValue to the class names.</summary>
public sealed class ArgmaxIndexRow
{
    [ColumnName(ScoringChain.LabelIndexColumn)]
    public string LabelIndex { get; set; } = "";
}

/// <summary>
/// Stateless argmax for a model of any class count. A saved mapping keeps only its contract name, so it cannot hold
/// the class names: the chain maps the index to them with MapValue and keys them with MapValueToKey.
/// </summary>
[CustomMappingFactoryAttribute(ContractName)]
public sealed class ArgmaxIndexMapping : CustomMappingFactory<AnyProbabilitiesRow, ArgmaxIndexRow>
{
    public const string ContractName = "MlNetFashion.ArgmaxIndex";

    public static void Map(AnyProbabilitiesRow input, ArgmaxIndexRow output)
    {
        int best = System.Numerics.Tensors.TensorPrimitives.IndexOfMax<float>(input.Probabilities);
        output.LabelIndex = best.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    public override Action<AnyProbabilitiesRow, ArgmaxIndexRow> GetMapping() => Map;
}
