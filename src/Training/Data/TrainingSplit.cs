using FastBert.Models.Data;

namespace FastBert.Training.Data;

/// <summary>Training and validation examples, label indices into the run's label list.</summary>
public sealed record TrainingSplit(IReadOnlyList<LabelledExample> Train, IReadOnlyList<LabelledExample> Validation)
{
    /// <summary>
    /// Holds out <paramref name="fraction"/> of the examples for validation, chosen with a seeded shuffle. Stratified:
    /// the same share of every label (rounded per label, at least one example of each label with two or more), so
    /// rare classes are represented on both sides.
    /// </summary>
    public static TrainingSplit Random(IReadOnlyList<LabelledExample> examples, double fraction, bool stratify, int seed)
    {
        if (fraction is <= 0 or >= 1)
        {
            throw new TrainingException($"the validation split must be between 0 and 1 (exclusive), got {fraction}.");
        }

        var random = new Random(seed);
        var validation = new HashSet<int>();
        var groups = stratify
            ? Enumerable.Range(0, examples.Count).GroupBy(i => examples[i].Label).OrderBy(g => g.Key).Select(g => g.ToArray())
            : [Enumerable.Range(0, examples.Count).ToArray()];
        foreach (var group in groups)
        {
            random.Shuffle(group);
            var take = (int)Math.Round(group.Length * fraction, MidpointRounding.AwayFromZero);
            if (stratify && group.Length >= 2)
            {
                take = Math.Clamp(take, 1, group.Length - 1);
            }

            validation.UnionWith(group.Take(take));
        }

        var train = new List<LabelledExample>();
        var held = new List<LabelledExample>();
        for (var i = 0; i < examples.Count; i++)
        {
            (validation.Contains(i) ? held : train).Add(examples[i]);
        }

        if (train.Count == 0 || held.Count == 0)
        {
            throw new TrainingException($"a {fraction:0.##} split of {examples.Count} examples leaves one side empty; use more data or another --split.");
        }

        return new TrainingSplit(train, held);
    }

    /// <summary>Rows at <paramref name="indices"/> (0-based data rows) are validation, the rest train.</summary>
    public static TrainingSplit ByIndices(IReadOnlyList<LabelledExample> examples, IReadOnlyCollection<int> indices, string indexFile)
    {
        var set = new HashSet<int>(indices);
        var outside = set.FirstOrDefault(i => i >= examples.Count, -1);
        if (outside >= 0)
        {
            throw new TrainingException($"{indexFile}: index {outside} is past the last example ({examples.Count} examples).");
        }

        var train = examples.Where((_, i) => !set.Contains(i)).ToList();
        var validation = examples.Where((_, i) => set.Contains(i)).ToList();
        if (train.Count == 0)
        {
            throw new TrainingException($"{indexFile} selects every example for validation; nothing is left to train on.");
        }

        return new TrainingSplit(train, validation);
    }
}
