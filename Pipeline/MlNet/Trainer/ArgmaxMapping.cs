using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace MlNetFashion.Pipeline.Trainer;

/// <summary>The ONNX model's output row: probabilities as OnnxTransformer shapes them ([N, 10] → [1, 10]).</summary>
public sealed class ProbabilitiesRow
{
    [ColumnName(ScoringChain.ProbabilitiesColumn), VectorType(1, FashionMnistClasses.Count)]
    public float[] Probabilities { get; set; } = [];
}

/// <summary>The flat score vector and the winning class name, ready for MapValueToKey.</summary>
public sealed class ArgmaxRow
{
    [ColumnName(ScoringChain.ScoreColumn), VectorType(FashionMnistClasses.Count)]
    public float[] Score { get; set; } = new float[FashionMnistClasses.Count];

    [ColumnName(ScoringChain.LabelNameColumn)]
    public string LabelName { get; set; } = "";
}

/// <summary>
/// Stateless: Score = probabilities as Vector&lt;Single, 10&gt;, LabelName = the class name of the largest one.
/// OnnxTransformer cannot emit a scalar, so the predicted label is built here and keyed by MapValueToKey.
/// </summary>
[CustomMappingFactoryAttribute(ContractName)]
public sealed class ArgmaxMapping : CustomMappingFactory<ProbabilitiesRow, ArgmaxRow>
{
    public const string ContractName = "MlNetFashion.Argmax";

    public static void Map(ProbabilitiesRow input, ArgmaxRow output)
    {
        float[] p = input.Probabilities;
        if (output.Score.Length != p.Length) output.Score = new float[p.Length];
        p.CopyTo(output.Score, 0);
        output.LabelName = FashionMnistClasses.Names[System.Numerics.Tensors.TensorPrimitives.IndexOfMax<float>(p)];
    }

    public override Action<ProbabilitiesRow, ArgmaxRow> GetMapping() => Map;
}
