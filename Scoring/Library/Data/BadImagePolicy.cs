namespace MlNetFashion.Scoring.Data;

/// <summary>What loading a folder does with a file that is not a usable image (corrupt, not an image, over the limits).</summary>
public enum BadImagePolicy
{
    /// <summary>Refuse the folder: one error naming the file and why.</summary>
    Fail,
    /// <summary>Leave the file out and report it (<see cref="ImageFolder.Skipped"/>).</summary>
    Skip,
}
