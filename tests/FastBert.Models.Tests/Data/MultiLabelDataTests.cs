using System.Text.Json;
using FastBert.Models.Data;
using FastBert.Tests;

namespace FastBert.Models.Tests.Data;

/// <summary>Multi-label data: 'a|b' cells, JSON arrays, and the shared debtags set as written.</summary>
public sealed class MultiLabelDataTests : IDisposable
{
    private static readonly DataReadOptions MultiLabel = new() { MultiLabel = true };
    private readonly string _folder = Directory.CreateTempSubdirectory("fastbert-mldata-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void PipeSeparatedCells_AreLabelSetsInLabelOrder_AndAnEmptyCellIsNoLabel()
    {
        var path = Write("tags.tsv", "text\tlabels\nan editor for text\ttext|editing\nnothing at all\t\nplays games\tgames\n");

        var data = LabelledDataReader.Read(path, MultiLabel, ["editing", "text", "games"]);

        Assert.Equal([[0, 1], [], [2]], data.LabelSets.Select(s => s.ToArray()));
        Assert.Equal([0, -1, 2], data.Labels);
    }

    [Fact]
    public void JsonArrays_AndPipeStrings_AreRead_AnUnknownLabelNamesItsLine()
    {
        var path = Write("tags.jsonl", """
            {"text": "edit", "labels": ["text", "editing", "text"]}
            {"text": "none", "labels": []}
            {"text": "pipe", "labels": "games|text"}
            """);

        var data = LabelledDataReader.Read(path, MultiLabel, ["editing", "text", "games"]);
        Assert.Equal([[0, 1], [], [1, 2]], data.LabelSets.Select(s => s.ToArray()));

        File.AppendAllText(path, "\n{\"text\": \"bad\", \"labels\": [\"text\", \"cooking\"]}\n");
        var error = Assert.Throws<UnknownLabelException>(() => LabelledDataReader.Read(path, MultiLabel, ["editing", "text", "games"]));
        Assert.Contains("cooking", error.Message, StringComparison.Ordinal);
        Assert.Contains(":4", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SharedDebtagsTestSplit_ReadsEveryRowWithItsCardinality()
    {
        var folder = Path.Combine(TestPaths.Data, "debtags");
        var labels = JsonSerializer.Deserialize<string[]>(File.ReadAllText(Path.Combine(folder, "labels.json")))!;

        var data = LabelledDataReader.Read(Path.Combine(folder, "test.jsonl"), MultiLabel, labels);

        // Independent count: the raw lines' label arrays.
        var raw = File.ReadLines(Path.Combine(folder, "test.jsonl")).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("labels").GetArrayLength()).ToArray();
        Assert.Equal(555, data.Count);
        Assert.Equal(raw, data.LabelSets.Select(s => s.Count));
        Assert.Equal(raw[0], data.Examples[0].LabelSet.Count);
    }

    private string Write(string name, string content)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, content);
        return path;
    }
}
