using Microsoft.Extensions.Logging;
using MlNetFashion.Scoring.Classification;
using MlNetFashion.Scoring.Hosting;

// The namespace of AddSingleton and its kin, as ML.NET's AddPredictionEnginePool does: no extra using in Program.cs.
namespace Microsoft.Extensions.DependencyInjection;

public static class FashionClassifierServiceCollectionExtensions
{
    /// <summary>
    /// Registers a <see cref="FashionClassifierPool"/> singleton over <paramref name="modelPath"/> (loaded on first use);
    /// with <paramref name="watchForChanges"/> a replaced model file is loaded, warmed up and swapped in without a restart.
    /// </summary>
    public static IServiceCollection AddFashionClassifier(this IServiceCollection services, string modelPath, bool watchForChanges = false,
        ClassifierOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(modelPath);
        return services.AddFashionClassifier(new FashionClassifierPoolOptions
        {
            ModelPath = modelPath, WatchForChanges = watchForChanges, Classifier = options ?? new ClassifierOptions(),
        });
    }

    /// <inheritdoc cref="AddFashionClassifier(IServiceCollection, string, bool, ClassifierOptions?)"/>
    public static IServiceCollection AddFashionClassifier(this IServiceCollection services, FashionClassifierPoolOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        services.AddSingleton(provider => new FashionClassifierPool(options, provider.GetService<ILogger<FashionClassifierPool>>()));
        return services;
    }
}
