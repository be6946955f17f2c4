namespace MlNetFashion.Engine.Optimizers;

/// <summary>The optimizers the engine has. The JSON spec, checkpoints and the CLI spell them adam, adamw, sgd.</summary>
public enum OptimizerKind
{
    /// <summary>Adam with L2 weight decay added to the gradient.</summary>
    Adam,
    /// <summary>Adam with decoupled weight decay (Loshchilov and Hutter).</summary>
    AdamW,
    /// <summary>SGD with (optionally Nesterov) momentum.</summary>
    Sgd,
}
