namespace MlNetFashion.Scoring.Imaging;

/// <summary>An input that is not a usable image (not an image, truncated, too large); the message names it.</summary>
public sealed class ImageRejectedException(string message, Exception? inner = null) : IOException(message, inner);
