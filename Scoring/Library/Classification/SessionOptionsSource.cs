using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.Transforms.Onnx;
using SessionOptions = Microsoft.ML.OnnxRuntime.SessionOptions;

namespace MlNetFashion.Scoring.Classification;

/// <summary>
/// One classifier's ONNX Runtime settings, for both kinds of session it creates: ML.NET's transformer (predictions) and
/// the plain session of explanations.
/// </summary>
/// <param name="IntraOpThreads">ONNX Runtime threads per run.</param>
/// <param name="ProfilePrefix">When set, every session writes ONNX Runtime's profile (an event per run) when it ends, to a
/// file named by this prefix, "-predict" or "-explain", and the second it started (two sessions started in one second of
/// the same kind share a file).</param>
internal sealed record SessionOptionsSource(int IntraOpThreads, string? ProfilePrefix)
{
    public const string PredictSuffix = "-predict", ExplainSuffix = "-explain";

    public OnnxSessionOptions ForMlNet() => new()
    {
        PerSessionThreads = true,
        IntraOpNumThreads = IntraOpThreads,
        EnableProfiling = ProfilePrefix is not null,
        ProfileOutputPathPrefix = ProfilePrefix is null ? "" : ProfilePrefix + PredictSuffix,
    };

    /// <summary>Options for one InferenceSession; the caller disposes them once the session exists.</summary>
    public SessionOptions ForOnnxRuntime()
    {
        var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            IntraOpNumThreads = IntraOpThreads,
        };
        if (ProfilePrefix is not null)
        {
            // Enabling profiling takes the prefix set at that moment.
            options.ProfileOutputPathPrefix = ProfilePrefix + ExplainSuffix;
            options.EnableProfiling = true;
        }
        return options;
    }
}
