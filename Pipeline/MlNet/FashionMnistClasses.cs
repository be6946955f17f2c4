namespace MlNetFashion.Pipeline;

/// <summary>The ten Fashion-MNIST classes, in label order 0..9.</summary>
public static class FashionMnistClasses
{
    public const int Count = 10;

    public static IReadOnlyList<string> Names { get; } =
    [
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    ];
}
