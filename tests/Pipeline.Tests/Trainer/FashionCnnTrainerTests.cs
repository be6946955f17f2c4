using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetFashion.Engine.Models;
using MlNetFashion.Engine.Optimizers;
using MlNetFashion.Engine.Training;
using MlNetFashion.Pipeline.Data;
using MlNetFashion.Pipeline.Trainer;
using MlNetFashion.Pipeline.Transforms;
using MlNetFashion.Tests.Shared;

namespace MlNetFashion.Pipeline.Tests.Trainer;

public sealed partial class FashionCnnTrainerTests() : TempFolderTests("mlnetfashion-trainer-")
{
    /// <summary>Saved models and written model specs.</summary>
    private static IDataView Subset(MLContext ml, FashionMnistSplit split, int count) => new FashionMnistDataView(split.Take(count));

    private static FashionCnnTrainer.Options SmallRun(int epochs = 2)
        => new() { Preset = PresetKind.TwoConv, Epoch = epochs, BatchSize = 32, Seed = 3, ValidationSetFraction = 0 };

    [Fact]
    public void Fit_TwoEpochsOnFiveThousandImages_ReachesEightyPercentOnThousandTestImages()
    {
        var ml = new MLContext(seed: 1);
        var pipeline = ml.Transforms.ScalePixels().Append(ml.MulticlassClassification.Trainers.FashionCnn(SmallRun()));
        ITransformer model = pipeline.Fit(Subset(ml, RealData.Data.Train, 5000));
        var metrics = ml.MulticlassClassification.Evaluate(model.Transform(Subset(ml, RealData.Data.Test, 1000)));
        Assert.True(metrics.MicroAccuracy >= 0.80, $"test accuracy {metrics.MicroAccuracy:P2}");
    }

    [Fact]
    public void Transform_AddsScoreAndKeyedPredictedLabelWithClassNames()
    {
        var ml = new MLContext(seed: 1);
        var options = SmallRun(epochs: 1);
        ITransformer model = ml.Transforms.ScalePixels().Append(ml.MulticlassClassification.Trainers.FashionCnn(options))
            .Fit(Subset(ml, RealData.Data.Train, 600));
        DataViewSchema schema = model.GetOutputSchema(new FashionMnistDataView(RealData.Data.Test.Take(1)).Schema);
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 10), schema["Score"].Type);
        var predicted = Assert.IsType<KeyDataViewType>(schema["PredictedLabel"].Type);
        Assert.Equal(10UL, predicted.Count);
        VBuffer<ReadOnlyMemory<char>> names = default;
        schema["PredictedLabel"].GetKeyValues(ref names);
        Assert.Equal(FashionMnistClasses.Names, names.DenseValues().Select(n => n.ToString()));
    }

    /// <summary>The shape ML.NET's estimator chains hand an estimator (SchemaShape.Create is not public).</summary>
    private static SchemaShape Shape(DataViewSchema schema) =>
        (SchemaShape)typeof(SchemaShape).GetMethod("Create",
            System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Public,
            [typeof(DataViewSchema)])!.Invoke(null, [schema])!;

    [Fact]
    public void GetOutputSchema_ThreeClassLabelKey_ScoreVectorAndKeyedPredictedLabel()
    {
        var ml = new MLContext(seed: 1);
        FashionMnistSplit images = RealData.Data.Test.Take(3);
        var view = new FashionMnistDataView(new FashionMnistSplit(images.Pixels, [0, 1, 2]), classNames: ["a", "b", "c"]);
        var pipeline = ml.Transforms.ScalePixels().Append(ml.MulticlassClassification.Trainers.FashionCnn(SmallRun()));

        SchemaShape shape = pipeline.GetOutputSchema(Shape(view.Schema));

        SchemaShape.Column predicted = Assert.Single(shape, c => c.Name == "PredictedLabel");
        Assert.True(predicted.IsKey);
        SchemaShape.Column score = Assert.Single(shape, c => c.Name == "Score");
        Assert.Equal(SchemaShape.Column.VectorKind.Vector, score.Kind);
        Assert.Equal(NumberDataViewType.Single, score.ItemType);
    }

    [Fact]
    public void GetOutputSchema_LabelNotAKey_RefusedNamingIt()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(new[] { new FloatLabel() });
        var trainer = ml.MulticlassClassification.Trainers.FashionCnn(SmallRun());

        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => { trainer.GetOutputSchema(Shape(data.Schema)); });

        Assert.Contains("label column 'Label': expected a key (MapValueToKey), found Single", ex.Message);
    }

    private sealed class FloatLabel
    {
        public float Label { get; set; }
        [VectorType(784)] public float[] Features { get; set; } = new float[784];
    }

    [Fact]
    public void GetOutputSchema_NoLabelColumn_RefusedNamingIt()
    {
        var ml = new MLContext(seed: 1);
        var options = SmallRun();
        options.LabelColumnName = "Garment";
        var pipeline = ml.Transforms.ScalePixels().Append(ml.MulticlassClassification.Trainers.FashionCnn(options));
        var schema = Shape(new FashionMnistDataView(RealData.Data.Test.Take(1)).Schema);

        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => { pipeline.GetOutputSchema(schema); });

        Assert.Contains("label column 'Garment' not found", ex.Message);
    }

    [Fact]
    public void CrossValidate_TwoFoldsOnTinyData_ReturnsAMetricPerFold()
    {
        var ml = new MLContext(seed: 1);
        var options = SmallRun(epochs: 1);
        var pipeline = ml.Transforms.ScalePixels().Append(ml.MulticlassClassification.Trainers.FashionCnn(options));
        var folds = ml.MulticlassClassification.CrossValidate(Subset(ml, RealData.Data.Train, 400), pipeline, numberOfFolds: 2);
        Assert.Equal(2, folds.Count);
        Assert.All(folds, f => Assert.InRange(f.Metrics.MicroAccuracy, 0.2, 1.0));
    }

    [Fact]
    public void Fit_OnScaledPixels_ReturnsAPredictionTransformerWhoseModelHoldsTheRun()
    {
        var ml = new MLContext(seed: 1);
        var options = SmallRun(epochs: 1);
        IDataView train = Subset(ml, RealData.Data.Train, 300);
        IDataView scaled = ml.Transforms.ScalePixels().Fit(train).Transform(train);

        using FashionCnnPredictionTransformer fitted = ml.MulticlassClassification.Trainers.FashionCnn(options).Fit(scaled);

        IPredictionTransformer<FashionCnnTrainingResult> typed = fitted;
        Assert.Single(typed.Model.History);
        Assert.Equal(300, typed.Model.TrainImages);
        Assert.Equal(FashionMnistClasses.Names, typed.Model.ClassNames);
        // The ONNX bytes in the result are the model the transformer scores with.
        using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(typed.Model.OnnxModel);
        float[] pixels = RealData.Data.Test.Take(1).ScaledPixels();
        var input = new Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<float>(pixels, [1, 1, 28, 28]);
        using var outputs = session.Run([Microsoft.ML.OnnxRuntime.NamedOnnxValue.CreateFromTensor("input", input)], ["probabilities"]);
        float[] expected = [.. outputs[0].AsEnumerable<float>()];
        IDataView test = new FashionMnistDataView(RealData.Data.Test.Take(1));
        float[] actual = Scores(ml, fitted, ml.Transforms.ScalePixels().Fit(test).Transform(test))[0];
        for (int k = 0; k < 10; k++) Assert.Equal(expected[k], actual[k], 5);
    }

    [Fact]
    public void SaveLoad_InAFreshContext_GivesTheSameScores()
    {
        var ml = new MLContext(seed: 1);
        var options = SmallRun(epochs: 1);
        IDataView train = Subset(ml, RealData.Data.Train, 600);
        ITransformer model = ml.Transforms.ScalePixels().Append(ml.MulticlassClassification.Trainers.FashionCnn(options)).Fit(train);
        var test = new FashionMnistDataView(RealData.Data.Test.Take(20));
        float[][] expected = Scores(ml, model, test);

        string path = Path.Combine(Folder, "model.zip");
        ml.Model.Save(model, train.Schema, path);
        var fresh = new MLContext();
        ITransformer loaded = fresh.Model.Load(path, out _);
        float[][] actual = Scores(fresh, loaded, test);
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i]);
    }

    [Fact]
    public void Fit_WithTestTimeAugmentation_ScoresTheAverageOfTheTrainingViews()
    {
        var ml = new MLContext(seed: 1);
        var options = SmallRun(epochs: 1);
        options.Augmentation = new Engine.Augmentation.AugmentationOptions(CropPadding: 1, HorizontalFlip: true);
        options.TestTimeAugmentation = true;
        var trainer = ml.MulticlassClassification.Trainers.FashionCnn(options);
        var model = ml.Transforms.ScalePixels().Append(trainer).Fit(Subset(ml, RealData.Data.Train, 600));
        FashionCnnTrainingResult result = model.LastTransformer.Model;
        Assert.Equal(10, result.TestTimeViews!.Views.Count);

        FashionMnistSplit test = RealData.Data.Test.Take(20);
        float[][] scores = Scores(ml, model, new FashionMnistDataView(test));
        var expected = new float[20 * 10];
        result.TestTimeViews.Predict(result.Model, test.ScaledPixels(), 20, expected);
        for (int i = 0; i < 20; i++)
            for (int k = 0; k < 10; k++) Assert.Equal(expected[i * 10 + k], scores[i][k], 4);
    }

    private static float[][] Scores(MLContext ml, ITransformer model, IDataView data) =>
        [.. ml.Data.CreateEnumerable<ScoreRow>(model.Transform(data), reuseRowObject: false).Select(r => r.Score)];

    [Theory]
    [InlineData(null, 0.1f)]    // the recipe says nothing: the usual 10 % hold-out
    [InlineData(null, 0f)]      // a recipe that trains on all of its data (as best does)
    [InlineData(0.25f, 0f)]     // the option wins over the recipe
    public void Fit_ValidationSetFraction_DefaultsToTheRecipes(float? option, float recipe)
    {
        // Stratified: round(share × count) of every class is held out.
        float share = option ?? recipe;
        int trained = RealData.Data.Train.Take(600).Labels.GroupBy(l => l).Sum(g => g.Count() - (int)Math.Round(g.Count() * share));
        string spec = Path.Combine(Folder, "spec.json");
        string fraction = recipe == 0.1f ? "" : $", \"validationFraction\": {recipe}";
        File.WriteAllText(spec, $$"""
            { "input": [1, 28, 28], "layers": [ { "type": "Flatten" }, { "type": "Dense", "units": 10 } ],
              "training": { "epochs": 1, "batchSize": 50, "optimizer": "adam", "learningRate": 0.001, "schedule": "constant"{{fraction}} } }
            """);
        var ml = new MLContext(seed: 1);
        var trainer = ml.MulticlassClassification.Trainers.FashionCnn(
            new FashionCnnTrainer.Options { ModelSpecPath = spec, ValidationSetFraction = option });
        FashionCnnTrainingResult result = ml.Transforms.ScalePixels().Append(trainer).Fit(Subset(ml, RealData.Data.Train, 600))
            .LastTransformer.Model;
        Assert.Equal(trained, result.TrainImages);
        Assert.Equal(trained < 600, result.History[0].ValidationAccuracy is not null);
        Assert.Equal(option ?? recipe, result.ValidationFraction);
    }

    [Fact]
    public void Fit_BatchLargerThanTheTrainingSet_BuildsForTheWholeSetInOneStep()
    {
        // 1,000,000 × seed004's 32 × 28 × 28 first-layer output would not fit in a tensor: the trainer builds for the 300
        // images there are, as Keras takes a batch_size above the data as "all of it".
        var ml = new MLContext(seed: 1);
        var options = SmallRun();
        (options.Epoch, options.BatchSize) = (1, 1_000_000);
        var trainer = ml.MulticlassClassification.Trainers.FashionCnn(options);
        FashionCnnTrainingResult result = ml.Transforms.ScalePixels().Append(trainer).Fit(Subset(ml, RealData.Data.Train, 300))
            .LastTransformer.Model;
        Assert.Equal(300, result.Model.MaxBatchSize);
        Assert.Single(result.History);
    }

    [Theory]
    [InlineData(EarlyStoppingMetric.Accuracy)]
    [InlineData(EarlyStoppingMetric.Loss)]
    public void Fit_EarlyStoppingCriteria_ReachesTheEngineWithItsMinDeltaAndMetric(EarlyStoppingMetric metric)
    {
        // No epoch can gain more than 1 (accuracy) or 1 nat of loss after the first: patience 1 stops after epoch 2.
        // Before MinDelta was passed on, this ran all 4 epochs.
        var ml = new MLContext(seed: 1);
        var options = SmallRun();
        (options.Epoch, options.ValidationSetFraction) = (4, 0.2f);
        options.EarlyStoppingCriteria = new EarlyStopping(Patience: 1, MinDelta: 1f, Metric: metric);
        var trainer = ml.MulticlassClassification.Trainers.FashionCnn(options);
        FashionCnnTrainingResult result = ml.Transforms.ScalePixels().Append(trainer).Fit(Subset(ml, RealData.Data.Train, 500))
            .LastTransformer.Model;
        Assert.Equal(2, result.History.Count);
        Assert.Contains($"validation-{(metric == EarlyStoppingMetric.Loss ? "loss" : "accuracy")}", result.StopReason);
        // The kept epoch is the one early stopping counted from (Keras keeps it too): epoch 2 was no gain by MinDelta.
        Assert.Equal(1, result.BestEpoch);
    }

    [Fact]
    public void Fit_LabelKeyedByFirstAppearance_PredictedLabelCarriesTheLabelsKeyValues()
    {
        // MapValueToKey keys the raw classes as they first appear (9, 0, 3, …): the model's output k is the k-th key.
        // PredictedLabel named output k after Fashion-MNIST's class k, so MapKeyToValue gave "T-shirt/top" for a 9.
        var ml = new MLContext(seed: 1);
        IDataView train = OwnRows(ml, RealData.Data.Train, 2000), test = OwnRows(ml, RealData.Data.Test, 500);
        var options = SmallRun(epochs: 1);
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label", nameof(OwnRow.Class))
            .Append(ml.MulticlassClassification.Trainers.FashionCnn(options))
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedClass", "PredictedLabel"));
        ITransformer model = pipeline.Fit(train);

        using var saved = new MemoryStream();
        ml.Model.Save(model, train.Schema, saved);
        saved.Position = 0;
        foreach (ITransformer m in new[] { model, ml.Model.Load(saved, out _) })
        {
            var rows = ml.Data.CreateEnumerable<PredictedClassRow>(m.Transform(test), reuseRowObject: false).ToList();
            double agreement = rows.Count(r => r.PredictedClass == r.Class.ToString(System.Globalization.CultureInfo.InvariantCulture))
                / (double)rows.Count;
            Assert.True(agreement >= 0.6, $"predicted classes match the true ones on {agreement:P1} of 500 test images");
        }
        Assert.Equal(9u, RealData.Data.Train.Labels[0]);   // so the keys are indeed not in class order
    }

    [Fact]
    public void MetricsCallback_EpochEnd_CountsTheEpochsBatches()
    {
        // The epoch-end report said batch 0 of 0.
        var ml = new MLContext(seed: 1);
        var reports = new List<FashionCnnMetrics>();
        var options = SmallRun();
        (options.Epoch, options.MetricsCallback) = (1, reports.Add);
        ml.Transforms.ScalePixels().Append(ml.MulticlassClassification.Trainers.FashionCnn(options))
            .Fit(Subset(ml, RealData.Data.Train, 320));

        Assert.Equal(10, reports.Count(r => !r.EpochEnd));
        FashionCnnMetrics end = Assert.Single(reports, r => r.EpochEnd);
        Assert.Equal((10, 10), (end.Batch, end.BatchesPerEpoch));
        Assert.All(reports, r => Assert.Equal(1, r.Epochs));
    }

    [Fact]
    public void Fit_SmallDataSetWithoutEpoch_TrainsThePresetsEpochsRaisedToTheMinimumSteps()
    {
        // 100 images in batches of 32: 4 steps an epoch, 125 epochs for 500 steps.
        var ml = new MLContext(seed: 1);
        var reports = new List<FashionCnnMetrics>();
        var options = SmallRun();
        (options.Epoch, options.MetricsCallback) = (null, reports.Add);

        var model = ml.Transforms.ScalePixels().Append(ml.MulticlassClassification.Trainers.FashionCnn(options))
            .Fit(Subset(ml, RealData.Data.Train, 100));

        Assert.Equal(125, model.LastTransformer.Model.History.Count);
        Assert.Equal(TrainingLength.MinimumSteps, reports.Count(r => !r.EpochEnd));
        Assert.All(reports, r => Assert.Equal(125, r.Epochs));
        options.Epoch = 3;
        var asked = ml.Transforms.ScalePixels().Append(ml.MulticlassClassification.Trainers.FashionCnn(options))
            .Fit(Subset(ml, RealData.Data.Train, 100));
        Assert.Equal(3, asked.LastTransformer.Model.History.Count);
    }

    /// <summary>The first <paramref name="count"/> images as a user's own rows: 784 floats and a raw class number.</summary>
    private static IDataView OwnRows(MLContext ml, FashionMnistSplit split, int count) =>
        ml.Data.LoadFromEnumerable(Enumerable.Range(0, count).Select(i => new OwnRow
        {
            Features = [.. split.Image(i).ToArray().Select(b => b / 255f)], Class = split.Labels[i],
        }));

    private sealed class OwnRow
    {
        [Microsoft.ML.Data.VectorType(784)]
        public float[] Features { get; set; } = [];
        public uint Class { get; set; }
    }

    private sealed class PredictedClassRow
    {
        public uint Class { get; set; }
        public string PredictedClass { get; set; } = "";
    }

    private sealed class ScoreRow
    {
        public float[] Score { get; set; } = [];
    }
}
