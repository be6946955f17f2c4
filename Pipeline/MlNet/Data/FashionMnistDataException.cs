namespace MlNetFashion.Pipeline.Data;

/// <summary>
/// The one exception the data layer throws (an IOException: the file is the
/// problem) for bad input (corrupt, truncated, wrong magic, labels out of range,
/// missing files). Its message is a single line that names the file and both sides.
/// </summary>
public sealed class FashionMnistDataException(string message, Exception? inner = null) : IOException(message, inner);
