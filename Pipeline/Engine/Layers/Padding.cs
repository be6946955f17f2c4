namespace MlNetFashion.Engine.Layers;

/// <summary>
/// Valid: no padding. Same (Keras/TensorFlow): output = ceil(input / stride); the total padding is split with the
/// extra cell at the bottom/right.
/// </summary>
public enum Padding
{
    Valid,
    Same,
}
