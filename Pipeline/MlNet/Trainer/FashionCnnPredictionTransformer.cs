using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetFashion.Pipeline.Trainer;

/// <summary>
/// What <see cref="FashionCnnTrainer.Fit"/> returns: the scoring chain (ONNX scoring → Score, PredictedLabel) with the
/// training result as its <see cref="Model"/>, the way ML.NET's trainers return a prediction transformer carrying their
/// model parameters. It saves as the chain it wraps (its transformers are all built-in), so after Model.Load the model
/// comes back as a plain TransformerChain that scores the same.
/// </summary>
public sealed class FashionCnnPredictionTransformer : IPredictionTransformer<FashionCnnTrainingResult>, IDisposable
{
    private readonly ITransformer _chain;

    internal FashionCnnPredictionTransformer(ITransformer chain, FashionCnnTrainingResult model)
    {
        _chain = chain;
        Model = model;
    }

    /// <summary>The trained engine model, its ONNX bytes, the epoch history and the calibration.</summary>
    public FashionCnnTrainingResult Model { get; }

    public bool IsRowToRowMapper => _chain.IsRowToRowMapper;

    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => _chain.GetOutputSchema(inputSchema);

    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => _chain.GetRowToRowMapper(inputSchema);

    public IDataView Transform(IDataView input) => _chain.Transform(input);

    void ICanSaveModel.Save(ModelSaveContext ctx) => _chain.Save(ctx);

    /// <summary>Releases the ONNX Runtime session of the chain (and its model file).</summary>
    public void Dispose() => (_chain as IDisposable)?.Dispose();
}
