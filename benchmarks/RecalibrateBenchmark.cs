using System.Diagnostics;
using System.Globalization;
using MlNetFashion.Engine.Calibration;
using MlNetFashion.Engine.Checkpoints;
using MlNetFashion.Engine.IO;
using MlNetFashion.Engine.Models;
using MlNetFashion.Engine.Onnx;
using MlNetFashion.Engine.Tensors;
using MlNetFashion.Engine.Training;
using MlNetFashion.Pipeline;
using MlNetFashion.Pipeline.Data;

namespace MlNetFashion.Benchmarks;

/// <summary>
/// `recalibrate PRESET CKPT|MODEL.onnx OUT.onnx [FRACTION [SEED]]`: the calibration `train` fits after training, fitted again
/// on a finished run's checkpoint or on the weights its model.onnx carries (<see cref="OnnxWeights"/>), with the same
/// stratified validation split of the official training images (by default 0.1 with seed 1, as `train`'s), and the model
/// exported with it: lets the confidence benchmark compare scores on a model that took minutes to train without training
/// it again.
/// </summary>
public static class RecalibrateBenchmark
{
    public const string Usage = "recalibrate PRESET CKPT|MODEL.onnx OUT.onnx [FRACTION [SEED]]";

    public static void Run(string[] args)
    {
        if (args.Length is < 3 or > 5) throw new ArgumentException($"recalibrate: expected {Usage}");
        float fraction = args.Length > 3 ? float.Parse(args[3], CultureInfo.InvariantCulture) : 0.1f;
        ulong seed = args.Length > 4 ? ulong.Parse(args[4], CultureInfo.InvariantCulture) : 1;
        Preset preset = Presets.Get(args[0]);
        Sequential model = preset.CreateModel();
        model.Build(maxBatchSize: 500, new EngineRandom(0));
        if (args[1].EndsWith(".onnx", StringComparison.OrdinalIgnoreCase)) OnnxWeights.Load(args[1], model);
        else
        {
            var saved = CheckpointFile.Read(args[1]);
            WeightsSnapshot.FromValues(saved.Average ?? saved.Weights).Restore(model);
        }
        FashionMnistSplit all = FashionMnist.Load().Train;
        var (trainIndices, holdoutIndices) = StratifiedSplit.Split(all.IntLabels(), fraction, seed);
        LabeledImages Subset(int[] indices)
        {
            FashionMnistSplit part = all.Select(indices);
            return new LabeledImages(part.ScaledPixels(), part.IntLabels(), Presets.Input);
        }
        var clock = Stopwatch.StartNew();
        ModelCalibration calibration = ModelCalibration.Fit(model, Subset(holdoutIndices), null, Subset(trainIndices));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"temperature {calibration.Temperature:F4}; {InDistributionScore.Name(calibration.InDistribution!.Score)} threshold ")
            + string.Create(CultureInfo.InvariantCulture,
                $"{calibration.InDistribution.Threshold:F4} on {calibration.HeldOutImages} held-out images; ")
            + string.Create(CultureInfo.InvariantCulture, $"{clock.Elapsed.TotalSeconds:F1} s"));
        byte[] onnx = OnnxExporter.Export(model, new OnnxExportOptions
        {
            ClassNames = FashionMnistClasses.Names, NetName = preset.Name, Temperature = calibration.Temperature,
            InDistribution = calibration.InDistribution, FeatureDistance = calibration.Features,
        });
        AtomicFile.Write(args[2], stream => stream.Write(onnx));
    }
}
