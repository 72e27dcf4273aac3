using FastBert.Models.Data;
using FastBert.Tests;

namespace FastBert.Models.Tests.Data;

/// <summary>Label lists in Parquet files DuckDB wrote: nulls, empty lists, indices, names; and what is refused.</summary>
public sealed class ParquetLabelListTests : IDisposable
{
    private static readonly string[] Tags = ["editing", "text", "games"];
    private readonly string _folder = Directory.CreateTempSubdirectory("fastbert-parquet-lists-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [NodeFact]
    public void IntegerLists_WithoutClassLabelNames_AreLabelIndices_NullAndEmptyListsAreNoLabel()
    {
        var path = Write("ids.parquet",
            Row("edit text", new long[] { 1, 0 }), Row("nothing", Array.Empty<long>()), Row("unknown", null), Row("play", new long[] { 2, 2 }));

        var data = ParquetDataReader.Read(path, new DataReadOptions { MultiLabel = true }, Tags);

        Assert.Equal(["edit text", "nothing", "unknown", "play"], data.Texts);
        Assert.Equal([[0, 1], [], [], [2]], data.LabelSets.Select(s => s.ToArray()));
        Assert.Equal([1, 2, 3, 4], data.Examples.Select(e => e.LineNumber));
    }

    [NodeFact]
    public void AnUnknownNameInAList_NamesItsRow()
    {
        var path = Write("names.parquet", Row("edit", new[] { "editing" }), Row("cook", new[] { "text", "cooking" }));

        var error = Assert.Throws<UnknownLabelException>(() => ParquetDataReader.Read(path, new DataReadOptions { MultiLabel = true }, Tags));

        Assert.Contains("cooking", error.Message);
        Assert.Contains("2", error.Message);
    }

    [NodeFact]
    public void AListAsTheTextColumn_OrForASingleLabelModel_IsRefused()
    {
        var path = Write("names.parquet", Row("edit", new[] { "editing" }));

        var single = Assert.Throws<DataFormatException>(() => ParquetDataReader.Read(path, DataReadOptions.Default, Tags));
        Assert.Contains("label column 'labels' holds a list of labels per row (multi-label data), but the model is single-label", single.Message);

        var text = Assert.Throws<DataFormatException>(() => ParquetDataReader.Read(path, new DataReadOptions { MultiLabel = true, TextColumn = "labels", LabelColumn = "text" }, Tags));
        Assert.Contains("column 'labels' is a list, not a single text per row", text.Message);
    }

    private static Dictionary<string, object> Row(string text, object? labels) => new() { ["text"] = text, ["labels"] = labels! };

    private string Write(string name, params Dictionary<string, object>[] rows)
    {
        var path = Path.Combine(_folder, name);
        ParquetFixtures.Write(_folder, path, rows, null);
        return path;
    }
}
