using System.CommandLine;
using MlNetFashion.CommandLine;
using MlNetFashion.Scoring.Data;

namespace MlNetFashion.Training.Commands;

/// <summary>
/// Options for a folder of the user's own labelled images (train, evaluate) and for fine-tuning (train); each verb adds
/// those it takes.
/// </summary>
internal sealed class ImageFolderOptions
{
    public Option<string?> Images { get; } = CommonOptions.RefuseBlankFolder(new Option<string?>("--images")
    {
        Description = "Your own images instead of Fashion-MNIST: a folder with one subfolder per class "
            + "(DIR/<label>/*.png|jpg|jpeg|bmp|gif|webp).",
    });
    public Option<string?> TestImages { get; } = CommonOptions.RefuseBlankFolder(new Option<string?>("--test-images")
    {
        Description = "With --images: a test folder with the same class subfolders (instead of --test-fraction).",
    });
    public Option<float?> TestFraction { get; } = new("--test-fraction")
    {
        Description = "With --images: the stratified share of each class held out for testing (default 0.2 without --test-images).",
    };
    public Option<BadImagePolicy?> OnBadImage { get; } = ChoiceOption.Create<BadImagePolicy>("--on-bad-image",
        "With --images: fail on a file that is not a usable image (default), or skip it and report it.");
    public Option<string?> InitFrom { get; } = BlankValue.Refuse(new Option<string?>("--init-from")
    {
        Description = "Fine-tune: start from a trained run's weights (a model.onnx that train wrote, or a .ckpt).",
    }, "a model.onnx or .ckpt file");
    public Option<int> FreezeEpochs { get; } = new("--freeze-epochs")
    {
        Description = "With --init-from: keep the convolution layers as loaded for the first N epochs.",
    };

    /// <summary>--on-bad-image as given, else <see cref="BadImagePolicy.Fail"/>.</summary>
    public BadImagePolicy ReadBadImagePolicy(ParseResult parse) => parse.GetValue(OnBadImage) ?? BadImagePolicy.Fail;

    public IEnumerable<Option> All => [Images, TestImages, TestFraction, OnBadImage, InitFrom, FreezeEpochs];
}
