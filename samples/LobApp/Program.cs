// Classify garment images with a trained MlNetFashion model:
//   dotnet run --project samples/LobApp -- artifacts/model.onnx photo1.jpg photo2.png
using MlNetFashion.Scoring.Classification;

if (args.Length < 2)
{
    Console.Error.WriteLine("usage: LobApp MODEL(.onnx|.zip) IMAGE...");
    return 2;
}

try
{
    // One classifier per process; it is thread-safe, so a web app can share it too.
    using var classifier = FashionClassifier.Load(args[0]);
    foreach (string image in args[1..])
    {
        Prediction prediction = classifier.Predict(image);
        Console.WriteLine($"{image}: {prediction.Label} ({prediction.Confidence:P0})");
    }
    return 0;
}
catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException)
{
    // A missing or unreadable file, a damaged model, not an image: the message names the file.
    Console.Error.WriteLine($"error: {ex.Message}");
    return 1;
}
