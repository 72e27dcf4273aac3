using System.CommandLine;
using FastBert.Models.Data;
using FastBert.Models.Hub;

namespace FastBert.Tool.Commands;

/// <summary>
/// fast-bert's Hub dataset options: <c>--dataset glue --dataset-config sst2 --dataset-split validation
/// --dataset-input-column sentence [--dataset-label-column label]</c>, instead of a data file.
/// </summary>
internal sealed class DatasetOptions
{
    public Option<string?> Dataset { get; } = new("--dataset") { Description = "A Hugging Face dataset instead of a data file: org/name[@revision] (its Parquet files, or the Hub's Parquet conversion)." };

    public Option<string?> Config { get; } = new("--dataset-config") { Description = "The dataset's configuration (subset), e.g. sst2 (default: its only one)." };

    public Option<string?> Split { get; } = new("--dataset-split") { Description = "The split, e.g. validation.", };

    public Option<string?> InputColumn { get; } = new("--dataset-input-column") { Description = "The dataset's text column, e.g. sentence (default: text, sentence, sms, ... by name)." };

    public Option<string?> InputPairColumn { get; } = new("--dataset-input-pair-column") { Description = "Sentence pairs: the dataset's column of each pair's second text, e.g. sentence2 (glue/mrpc with --dataset-input-column sentence1)." };

    public Option<string?> LabelColumn { get; } = new("--dataset-label-column") { Description = "The dataset's label column (default: label, ... by name)." };

    public void AddTo(Command command)
    {
        command.Options.Add(Dataset);
        command.Options.Add(Config);
        command.Options.Add(Split);
        command.Options.Add(InputColumn);
        command.Options.Add(InputPairColumn);
        command.Options.Add(LabelColumn);
    }

    /// <summary>The split named, or null without <c>--dataset</c>; <paramref name="options"/> get the dataset's column names.</summary>
    public HubDatasetSplit? Read(ParseResult parse, ref DataReadOptions options)
    {
        var dataset = parse.GetValue(Dataset);
        var others = new[] { Config, Split, InputColumn, InputPairColumn, LabelColumn }.Where(o => parse.GetResult(o) is not null).Select(o => o.Name).ToList();
        if (dataset is null)
        {
            return others.Count == 0 ? null : throw new UsageException($"{string.Join(", ", others)} belong to --dataset; name the dataset (e.g. --dataset glue).");
        }

        if (parse.GetValue(Split) is not { Length: > 0 } split)
        {
            throw new UsageException("--dataset needs --dataset-split, e.g. --dataset-split validation.");
        }

        if ((parse.GetValue(InputColumn) is not null && options.TextColumn is not null) || (parse.GetValue(LabelColumn) is not null && options.LabelColumn is not null)
            || (parse.GetValue(InputPairColumn) is not null && options.TextPairColumn is not null))
        {
            throw new UsageException("name the dataset's columns with --dataset-input-column / --dataset-input-pair-column / --dataset-label-column, not also --text-column / --text-pair-column / --label-column.");
        }

        HubReference reference;
        try
        {
            reference = HubReference.ParseDataset(dataset);
        }
        catch (FormatException e)
        {
            throw new UsageException($"--dataset: {e.Message}");
        }

        options = options with
        {
            TextColumn = parse.GetValue(InputColumn) ?? options.TextColumn,
            TextPairColumn = parse.GetValue(InputPairColumn) ?? options.TextPairColumn,
            LabelColumn = parse.GetValue(LabelColumn) ?? options.LabelColumn,
        };
        return new HubDatasetSplit(reference, parse.GetValue(Config), split);
    }
}

/// <summary>Labelled data from a file (<c>--data</c>) or a Hub dataset (<c>--dataset</c>): one place for both.</summary>
internal static class LabelledDataSource
{
    /// <summary>Exactly one of --data and --dataset, for a command that needs data.</summary>
    public static void RequireOne(FileInfo? data, HubDatasetSplit? split)
    {
        if (data is null && split is null)
        {
            throw new UsageException("name the labelled data: --data FILE, or a Hub dataset with --dataset NAME --dataset-split SPLIT.");
        }

        if (data is not null && split is not null)
        {
            throw new UsageException("--data and --dataset cannot be combined; name one source of labelled data.");
        }
    }

    /// <summary>
    /// Reads the file, or pulls the dataset split (Hub cache) and reads its Parquet files; then the rows of
    /// <paramref name="indices"/>, if given, and the first <see cref="DataReadOptions.MaxSamples"/> of those.
    /// </summary>
    public static (LabelledDataset Dataset, HubDatasetSnapshot? Snapshot) Load(FileInfo? data, HubDatasetSplit? split, FileInfo? indices, DataReadOptions options,
        IReadOnlyList<string> labels, TextWriter error, CancellationToken cancellationToken = default)
    {
        RequireOne(data, split);
        var readOptions = indices is null ? options : options with { MaxSamples = null };
        HubDatasetSnapshot? snapshot = null;
        LabelledDataset dataset;
        if (data is not null)
        {
            dataset = LabelledDataReader.Read(data.FullName, readOptions, labels);
        }
        else
        {
            snapshot = Pull(split!, error, cancellationToken);
            dataset = ParquetDataReader.ReadAsync(snapshot.Files.Select(f => f.Path).ToList(), snapshot.DisplayName, readOptions, labels, readOptions.MaxSamples, cancellationToken)
                .GetAwaiter().GetResult();
        }

        if (indices is not null)
        {
            dataset = dataset.SelectFromIndexFile(indices.FullName);
        }

        if (options.MaxSamples is { } max && dataset.Count > max)
        {
            dataset = dataset.Select(Enumerable.Range(0, max)) with { SkippedRows = dataset.SkippedRows };
        }

        return (dataset, snapshot);
    }

    public static HubDatasetSnapshot Pull(HubDatasetSplit split, TextWriter error, CancellationToken cancellationToken = default)
    {
        using var client = new HubClient(new HubOptions());
        var snapshot = HubDatasetSource.PullAsync(client, split, null, null, cancellationToken).GetAwaiter().GetResult();
        error.WriteLine($"Dataset {snapshot.DisplayName}: {snapshot.Files.Count} Parquet file(s) from {(snapshot.Layout == HubDatasetFileLayout.Native ? "the dataset's own files" : HubDatasetLayout.ConvertedBranch)} at {snapshot.Revision}.");
        return snapshot;
    }
}
