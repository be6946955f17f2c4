namespace MlNetFashion.Engine.Tensors;

/// <summary>
/// Σx and Σx² of each plane of an [N, C, H, W] tensor, [N, C, 2], as <c>FusedPasses.SumAndDot(plane, plane)</c> gives
/// them: written by the layer that writes the tensor while each plane is still in cache (the direct one-channel
/// convolution, the Winograd ones), read by a batch norm on that tensor in training, whose statistics then need no pass of
/// their own over the map (the first block's 28² maps are 6.4 MB at batch 64, past the cache). A batch norm attaches one to its input
/// (<see cref="Tensor.PlaneSums"/>); the tensor's owner, which alone writes it, sets <see cref="Batch"/> to 0 before each
/// forward and to the batch size after one that filled the sums.
/// </summary>
internal sealed class PlaneSums(int maxBatchSize, int channels)
{
    public int Channels { get; } = channels;

    /// <summary>[N, C, 2]: (Σx, Σx²) of plane (n, c) at 2·(n·C + c).</summary>
    public float[] Values { get; } = new float[2L * maxBatchSize * channels];

    /// <summary>The batch size whose sums <see cref="Values"/> holds for the tensor's current contents; 0: none.</summary>
    public int Batch { get; set; }
}
