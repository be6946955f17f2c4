namespace MlNetFashion.Engine.Models;

/// <summary>
/// The presets (<see cref="Presets.All"/>): a net and the training settings of its source. Command lines, checkpoints
/// and model metadata spell them as <see cref="Preset.Name"/> ("fast", "article-2x2conv"); <see cref="Presets.Get(string)"/>
/// reads those names and the former ones (seed000 … seed004).
/// </summary>
public enum PresetKind
{
    /// <summary>Ours, the default: the most accuracy that fits ten minutes of training on two cores.</summary>
    Fast,
    /// <summary>Ours: the fast net 1.5× wider with augmentation and ten test-time views, within the hour.</summary>
    Best,
    /// <summary>An article's 2×2-convolution net (formerly seed000).</summary>
    Article2x2Conv,
    /// <summary>The MCNN paper's net with its Keras callbacks (formerly seed001).</summary>
    McnnPaper,
    /// <summary>An article's three-convolution net (formerly seed002).</summary>
    Article3Conv,
    /// <summary>The k-fold tutorial's baseline: one convolution, Dense 100, plain SGD (formerly seed003).</summary>
    KFoldTutorial,
    /// <summary>A small, quick net of two same-padded convolutions (formerly seed004).</summary>
    TwoConv,
}
