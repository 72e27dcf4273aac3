using System.Text.Json;
using FastBert.Models.Reports;
using FastBert.Tests;

namespace FastBert.Tool.Tests;

/// <summary>
/// Multi-label labels from Parquet files DuckDB wrote: a <c>list&lt;string&gt;</c> column, a <c>list&lt;int&gt;</c> column
/// of ClassLabel indices whose names come from the files' <c>huggingface</c> metadata (in another order than the
/// model's, so only reading the names gets it right), and a text column with <c>a|b</c>. Each must score exactly what
/// evaluate scores on the same rows as a TSV with <c>a|b</c>.
/// </summary>
public sealed class MultiLabelParquetCliTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "fastbert-multilabel-parquet", Guid.NewGuid().ToString("N"));

    public MultiLabelParquetCliTests() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [NodeFact]
    public void EvaluateOnMultiLabelParquet_EqualsEvaluateOnTheSameRowsAsTsv_ForListsClassLabelListsAndPipes()
    {
        using var model = new MultiLabelModelFolder();
        var rows = HubDatasetPrepareCliTests.TaggedRows(150);
        Assert.Contains(rows, r => r.Labels.Length == 0);
        Assert.Contains(rows, r => r.Labels.Length == 2);
        var tsv = Path.Combine(_root, "tags.tsv");
        File.WriteAllLines(tsv, ["text\tlabels", .. rows.Select(r => $"{r.Text}\t{string.Join('|', r.Labels)}")]);
        var expected = Evaluate(model.Path, tsv);

        var lists = Path.Combine(_root, "lists.parquet");
        ParquetFixtures.Write(_root, lists, rows.Select(r => new Dictionary<string, object> { ["text"] = r.Text, ["labels"] = r.Labels }), null);

        // Sequence(ClassLabel(names=[spam, ham])): 0 is spam here, while the model's label 0 is ham.
        var classLabels = Path.Combine(_root, "class-labels.parquet");
        var names = new[] { "spam", "ham" };
        ParquetFixtures.Write(_root, classLabels,
            rows.Select(r => new Dictionary<string, object> { ["sentence"] = r.Text, ["label"] = r.Labels.Select(l => Array.IndexOf(names, l)).ToArray() }),
            """{"info":{"features":{"sentence":{"dtype":"string","_type":"Value"},"label":{"feature":{"names":["spam","ham"],"_type":"ClassLabel"},"_type":"Sequence"}}}}""");

        var pipes = Path.Combine(_root, "pipes.parquet");
        ParquetFixtures.Write(_root, pipes, rows.Select(r => new Dictionary<string, object> { ["text"] = r.Text, ["labels"] = string.Join('|', r.Labels) }), null);

        foreach (var parquet in new[] { lists, classLabels, pipes })
        {
            var actual = Evaluate(model.Path, parquet);
            Assert.Equal(rows.Count, actual.Metrics.Examples);
            Assert.Equal(JsonSerializer.Serialize(expected.Metrics), JsonSerializer.Serialize(actual.Metrics));
        }
    }

    [NodeFact]
    public void ListLabels_ForASingleLabelModel_AreAClearError()
    {
        var lists = Path.Combine(_root, "lists.parquet");
        ParquetFixtures.Write(_root, lists, HubDatasetPrepareCliTests.TaggedRows(10).Select(r => new Dictionary<string, object> { ["text"] = r.Text, ["labels"] = r.Labels }), null);

        var (exit, _, error) = CliRunner.Run(string.Empty, "evaluate", TestPaths.SmsModel, "--data", lists);

        Assert.Equal(ExitCodes.InputError, exit);
        Assert.Contains("holds a list of labels per row (multi-label data), but the model is single-label", error);
        Assert.DoesNotContain("   at ", error);
    }

    private MultiLabelEvaluation Evaluate(string model, string data)
    {
        var json = Path.Combine(_root, Guid.NewGuid().ToString("N") + ".json");
        var (exit, _, error) = CliRunner.Run(string.Empty, "evaluate", model, "--data", data, "--json", json);
        Assert.True(exit == 0, error);
        return Assert.Single(Report.FromJson(File.ReadAllText(json), json).MultiLabelEvaluations);
    }
}
