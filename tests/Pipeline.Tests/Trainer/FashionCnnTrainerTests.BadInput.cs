using Microsoft.ML;
using MlNetFashion.Engine.Optimizers;
using MlNetFashion.Pipeline.Data;
using MlNetFashion.Pipeline.Trainer;
using MlNetFashion.Pipeline.Transforms;

namespace MlNetFashion.Pipeline.Tests.Trainer;

/// <summary>What Fit refuses, and with which line: options out of range, bad features, a validation set that does not fit.</summary>
public sealed partial class FashionCnnTrainerTests
{
    public static TheoryData<string> OptionsOutOfRange => new("validation-fraction-nan", "label-smoothing-nan", "erasing-nan");

    [Theory]
    [MemberData(nameof(OptionsOutOfRange))]
    public void Fit_OptionOutOfRange_RefusedNamingItBeforeTheDataIsRead(string name)
    {
        // NaN passed checks written as "x < 0 or x >= 1": a NaN validation fraction stopped the run after reading the data
        // with System.Text.Json's "cannot be written as valid JSON".
        var options = SmallRun();
        string expected;
        switch (name)
        {
            case "validation-fraction-nan":
                options.ValidationSetFraction = float.NaN;
                expected = "validation fraction: expected a value in [0, 1).";
                break;
            case "label-smoothing-nan":
                options.LabelSmoothing = float.NaN;
                expected = "label smoothing: expected a value in [0, 1).";
                break;
            case "erasing-nan":
                options.Augmentation = new(ErasingProbability: float.NaN);
                expected = "erasing probability: expected a value in [0, 1].";
                break;
            default: throw new ArgumentOutOfRangeException(nameof(name), name, "no such case");
        }
        var ml = new MLContext(seed: 1);
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        var unreadable = new FashionMnistDataView(RealData.Data.Train.Take(10), cancelled.Token);

        var ex = Assert.ThrowsAny<ArgumentException>(
            () => ml.Transforms.ScalePixels().Append(ml.MulticlassClassification.Trainers.FashionCnn(options)).Fit(unreadable));

        Assert.StartsWith(expected, ex.Message);
    }

    [Theory]
    [InlineData(0, OptimizerKind.Adam, "epochs: expected at least 1.")]
    [InlineData(1, (OptimizerKind)7, "optimizer: expected adam, adamw or sgd.")]
    public void Fit_BadOption_RefusedBeforeTheDataIsRead(int epochs, OptimizerKind optimizer, string expected)
    {
        // A view that cannot be read (its token is cancelled): the option error must come first.
        var ml = new MLContext(seed: 1);
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        var unreadable = new FashionMnistDataView(RealData.Data.Train.Take(10), cancelled.Token);
        var options = SmallRun();
        (options.Epoch, options.Optimizer) = (epochs, optimizer);

        var ex = Assert.ThrowsAny<ArgumentException>(
            () => ml.Transforms.ScalePixels().Append(ml.MulticlassClassification.Trainers.FashionCnn(options)).Fit(unreadable));

        Assert.StartsWith(expected, ex.Message);
    }

    [Fact]
    public void Fit_NaNFeature_NamesTheColumnAndRow()
    {
        // It trained, and stopped with "training diverged … try a lower learning rate".
        var ml = new MLContext(seed: 1);
        var rows = Enumerable.Range(0, 20).Select(i => new OwnRow { Features = new float[784], Class = (uint)(i % 10) }).ToArray();
        rows[3].Features[100] = float.NaN;
        IDataView data = ml.Transforms.Conversion.MapValueToKey("Label", nameof(OwnRow.Class))
            .Fit(ml.Data.LoadFromEnumerable(rows)).Transform(ml.Data.LoadFromEnumerable(rows));

        var ex = Assert.Throws<ArgumentException>(() => ml.MulticlassClassification.Trainers.FashionCnn(SmallRun()).Fit(data));

        Assert.Equal("Features: row 3 has a NaN or infinite value; expected pixels / 255", ex.Message);
    }

    [Fact]
    public void Fit_ValidationSetWithoutLabel_SaysTheValidationSetLacksIt()
    {
        // The message named Label only, which the training data has.
        var ml = new MLContext(seed: 1);
        IDataView train = ml.Transforms.ScalePixels().Fit(Subset(ml, RealData.Data.Train, 50))
            .Transform(Subset(ml, RealData.Data.Train, 50));
        var options = SmallRun();
        options.ValidationSet = ml.Transforms.DropColumns("Label").Fit(train).Transform(train);

        var ex = Assert.Throws<ArgumentException>(() => ml.MulticlassClassification.Trainers.FashionCnn(options).Fit(train));

        Assert.Equal("validation set: Label: expected a label column of key type, found no such column", ex.Message);
    }

    [Fact]
    public void Fit_ValidationSetKeyedByItsOwnMapValueToKey_RefusedNamingBothClassOrders()
    {
        // Keyed alone, the validation set numbers its classes by their first appearance in it: key 2 was class 0 in the
        // training data and class 2 in the validation set, and validation accuracy compared the numbers without a word.
        var ml = new MLContext(seed: 1);
        IDataView train = OwnRows(ml, RealData.Data.Train, 200), heldOut = OwnRows(ml, RealData.Data.Test, 100);
        var key = ml.Transforms.Conversion.MapValueToKey("Label", nameof(OwnRow.Class));
        ITransformer keyedOnTrain = key.Fit(train);
        var options = SmallRun(epochs: 1);
        options.ValidationSet = key.Fit(heldOut).Transform(heldOut);

        var ex = Assert.Throws<ArgumentException>(
            () => ml.MulticlassClassification.Trainers.FashionCnn(options).Fit(keyedOnTrain.Transform(train)));

        Assert.Equal("validation set: Label: expected the training data's 10 classes in its key order ('9', '0', '3', '2', '7', …), "
            + "received 10 ('9', '2', '1', '6', '4', …): key both with the MapValueToKey fitted on the training data", ex.Message);
        options.ValidationSet = keyedOnTrain.Transform(heldOut);
        Assert.NotNull(ml.MulticlassClassification.Trainers.FashionCnn(options).Fit(keyedOnTrain.Transform(train)));
    }
}
