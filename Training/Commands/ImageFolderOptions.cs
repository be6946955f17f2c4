using System.CommandLine;
using MlNetFashion.Scoring.Data;

namespace MlNetFashion.Training.Commands;

/// <summary>train's options for a folder of the user's own labelled images and for fine-tuning.</summary>
internal sealed class ImageFolderOptions
{
    public Option<string?> Images { get; } = CommonOptions.RefuseEmpty(new Option<string?>("--images")
    {
        Description = "Train on your own images: a folder with one subfolder per class (DIR/<label>/*.png|jpg|jpeg|bmp|gif|webp).",
    });
    public Option<string?> TestImages { get; } = CommonOptions.RefuseEmpty(new Option<string?>("--test-images")
    {
        Description = "With --images: a test folder with the same class subfolders (instead of --test-fraction).",
    });
    public Option<float?> TestFraction { get; } = new("--test-fraction")
    {
        Description = "With --images: the stratified share of each class held out for testing (default 0.2 without --test-images).",
    };
    public Option<BadImagePolicy> OnBadImage { get; } = new("--on-bad-image")
    {
        Description = "With --images: fail on a file that is not a usable image (default), or skip it and report it.",
        DefaultValueFactory = _ => BadImagePolicy.Fail,
    };
    public Option<string?> InitFrom { get; } = CommonOptions.RefuseEmpty(new Option<string?>("--init-from")
    {
        Description = "Fine-tune: start from a trained run's weights (a model.onnx that train wrote, or a .ckpt).",
    });
    public Option<int> FreezeEpochs { get; } = new("--freeze-epochs")
    {
        Description = "With --init-from: keep the convolution layers as loaded for the first N epochs.",
    };

    public IEnumerable<Option> All => [Images, TestImages, TestFraction, OnBadImage, InitFrom, FreezeEpochs];
}
