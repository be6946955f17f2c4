// Train the CNN inside your own ML.NET pipeline, evaluate it, save it:
//   dotnet run --project samples/TrainInPipeline -c Release -- [EPOCHS] [TRAINING-IMAGES] [MODEL.zip]
using Microsoft.ML;
using MlNetFashion.Engine.Models;
using MlNetFashion.Pipeline.Data;
using MlNetFashion.Pipeline.Trainer;
using MlNetFashion.Pipeline.Transforms;

int epochs = 8, images = 60_000;
if (args.Length > 3 || (args.Length > 0 && !int.TryParse(args[0], out epochs)) || (args.Length > 1 && !int.TryParse(args[1], out images)))
{
    Console.Error.WriteLine("usage: TrainInPipeline [EPOCHS] [TRAINING-IMAGES] [MODEL.zip]");
    return 2;
}
string modelPath = "fashion-model.zip";
if (args.Length > 2) modelPath = args[2];
try
{
    var ml = new MLContext(seed: 1);
    FashionMnist data = FashionMnist.Load();                                     // the official files (see `data fetch`)
    IDataView train = new FashionMnistDataView(data.Train.Take(images));         // Label (key, class names) + Pixels (28×28 bytes)
    IDataView test = new FashionMnistDataView(data.Test);
    var pipeline = ml.Transforms.ScalePixels()                                   // Features = pixels / 255, [1,28,28]
        .Append(ml.MulticlassClassification.Trainers.FashionCnn(new FashionCnnTrainer.Options
        {
            Preset = PresetKind.Fast, Epoch = epochs,
            MetricsCallback = m => { if (m.EpochEnd) Console.WriteLine($"epoch {m.Epoch} acc {m.Accuracy:P1}"); },  // also called per batch
        }));
    ITransformer model = pipeline.Fit(train);
    var metrics = ml.MulticlassClassification.Evaluate(model.Transform(test));
    Console.WriteLine($"test accuracy {metrics.MicroAccuracy:P2}");
    ml.Model.Save(model, train.Schema, modelPath);                               // load with ml.Model.Load, as above
    return 0;
}
catch (Exception e) when (e is FashionMnistDataException or ArgumentException or IOException)
{
    Console.Error.WriteLine($"error: {e.Message}");                             // e.g. the data files are missing or corrupt
    return 1;
}
