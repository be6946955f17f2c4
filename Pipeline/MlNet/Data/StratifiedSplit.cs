using MlNetFashion.Engine.Tensors;

namespace MlNetFashion.Pipeline.Data;

/// <summary>
/// Seeded, stratified index splits: each class contributes the same fraction, so a 10 % validation split of
/// Fashion-MNIST holds 600 images of every class. The same seed gives the same split.
/// </summary>
public static class StratifiedSplit
{
    /// <summary>(train, holdout) index lists; holdout has round(fraction × class count) of every class.</summary>
    public static (int[] Train, int[] Holdout) Split(IReadOnlyList<int> labels, float fraction, ulong seed)
    {
        if (!(fraction >= 0 && fraction < 1)) throw new ArgumentOutOfRangeException(nameof(fraction), fraction,
            "validation fraction: expected a value in [0, 1)");
        var random = new EngineRandom(seed);
        var train = new List<int>();
        var holdout = new List<int>();
        foreach (var group in Enumerable.Range(0, labels.Count).GroupBy(i => labels[i]).OrderBy(g => g.Key))
        {
            int[] members = [.. group];
            random.Shuffle(members);
            int take = (int)Math.Round(members.Length * fraction);
            holdout.AddRange(members.Take(take));
            train.AddRange(members.Skip(take));
        }
        train.Sort();
        holdout.Sort();
        return ([.. train], [.. holdout]);
    }

    /// <summary>K stratified folds: fold f's indices (every class dealt round-robin after a seeded shuffle).</summary>
    public static int[][] Folds(IReadOnlyList<int> labels, int folds, ulong seed)
    {
        if (folds < 2) throw new ArgumentOutOfRangeException(nameof(folds), folds, "folds: expected at least 2");
        var random = new EngineRandom(seed);
        var result = Enumerable.Range(0, folds).Select(_ => new List<int>()).ToArray();
        int next = 0;
        foreach (var group in Enumerable.Range(0, labels.Count).GroupBy(i => labels[i]).OrderBy(g => g.Key))
        {
            int[] members = [.. group];
            random.Shuffle(members);
            foreach (int i in members) result[next++ % folds].Add(i);
        }
        return [.. result.Select(f => { f.Sort(); return f.ToArray(); })];
    }
}
