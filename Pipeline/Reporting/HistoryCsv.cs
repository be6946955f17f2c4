using System.Globalization;
using System.Text;
using MlNetFashion.Engine.Training;

namespace MlNetFashion.Pipeline.Reporting;

/// <summary>history.csv: one row per epoch.</summary>
public static class HistoryCsv
{
    public const string Header = "epoch,loss,accuracy,val_loss,val_accuracy,learning_rate,seconds";

    public static string Create(IEnumerable<EpochMetrics> history)
    {
        var text = new StringBuilder().AppendLine(Header);
        foreach (EpochMetrics m in history)
        {
            text.AppendLine(string.Join(',',
                m.Epoch.ToString(CultureInfo.InvariantCulture), F(m.Loss), F(m.Accuracy), F(m.ValidationLoss), F(m.ValidationAccuracy),
                m.LearningRate.ToString("G6", CultureInfo.InvariantCulture), m.Seconds.ToString("F2", CultureInfo.InvariantCulture)));
        }
        return text.ToString();
    }

    private static string F(float? value) => value?.ToString("F6", CultureInfo.InvariantCulture) ?? "";
}
