using MlNetFashion.Engine.Initializers;
using MlNetFashion.Engine.Layers;
using MlNetFashion.Engine.Layers.Activation;
using MlNetFashion.Engine.Layers.Convolution;
using MlNetFashion.Engine.Layers.Core;
using MlNetFashion.Engine.Layers.Normalization;
using MlNetFashion.Engine.Layers.Pooling;
using MlNetFashion.Engine.Tensors;
using Layers = MlNetFashion.Engine.Layers;

namespace MlNetFashion.Engine.Models;

/// <summary>
/// Keras-like fluent definition: <c>new ModelBuilder(new Shape(1, 28, 28)).Conv2D(32, 3, Padding.Same).ReLU()
/// .BatchNorm().MaxPool2D(2).Flatten().Dense(10).Build()</c>. BatchNorm picks 2-D or 1-D from the current shape.
/// </summary>
public sealed class ModelBuilder(Shape inputShape)
{
    private readonly Sequential _model = new(inputShape);
    private bool _flat = inputShape.Rank == 1;

    public ModelBuilder Add(Layer layer)
    {
        _model.Add(layer);
        if (layer is Layers.Core.Flatten or Layers.Core.Dense or Layers.Pooling.GlobalAvgPool) _flat = true;
        return this;
    }

    public ModelBuilder Conv2D(int filters, int kernelSize, Padding padding = Padding.Valid, int stride = 1,
        Initializer? initializer = null, bool useBias = true)
        => Add(new Conv2D(filters, kernelSize, stride, padding, useBias, initializer));
    public ModelBuilder ReLU() => Add(new ReLU());
    public ModelBuilder LeakyReLU(float alpha = 0.01f) => Add(new LeakyReLU(alpha));
    public ModelBuilder BatchNorm(float momentum = 0.1f, float epsilon = 1e-5f)
        => Add(_flat ? new BatchNorm1D(momentum, epsilon) : new BatchNorm2D(momentum, epsilon));
    public ModelBuilder Standardize(float mean, float std) => Add(new Standardize(mean, std));
    public ModelBuilder MaxPool2D(int poolSize, int? stride = null, Padding padding = Padding.Valid, bool ceilMode = false)
        => Add(new MaxPool2D(poolSize, stride, padding, ceilMode));
    public ModelBuilder AvgPool2D(int poolSize, int? stride = null, Padding padding = Padding.Valid, bool ceilMode = false)
        => Add(new AvgPool2D(poolSize, stride, padding, ceilMode));
    public ModelBuilder GlobalAvgPool() => Add(new GlobalAvgPool());
    public ModelBuilder Dropout(float rate) => Add(new Dropout(rate));
    public ModelBuilder Flatten() => Add(new Flatten());
    public ModelBuilder Dense(int units, Initializer? initializer = null, bool useBias = true)
        => Add(new Dense(units, useBias, initializer));
    public ModelBuilder Residual(int filters, int stride = 1) => Add(new ResidualBlock(filters, stride));

    /// <summary>The model, not yet built (the trainer builds it for its batch size).</summary>
    public Sequential Build() => _model;
}
