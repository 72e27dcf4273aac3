using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FastBert.Models.Tests.Hub;
using FastBert.Tests;

namespace FastBert.Tool.Tests;

/// <summary>
/// <c>fastbert prepare</c> with <c>validate.data: hf-dataset:…</c> against the loopback Hub, whose Parquet files DuckDB
/// wrote from SMS held-out rows: the lock file pins the dataset (commit, layout, each file's sha256 as computed here from
/// the served bytes), the gates score what the same rows score as a TSV, a second prepare runs from the cache with the
/// Hub gone and HF_HUB_OFFLINE=1, and a cached file that changed is refused naming it.
/// </summary>
[Collection(nameof(PullCliTests))]
public sealed class HubDatasetPrepareCliTests : IDisposable
{
    private const string Repo = "fastbert-test/sms_spam";
    private const string Commit = "1a2b3c4d5e6f708192a3b4c5d6e7f80912a3b4c5";
    private const string MultiLabelRepo = "fastbert-test/sms_tags";
    private const string MultiLabelCommit = "5e6f708192a3b4c5d6e7f80912a3b4c51a2b3c4d";
    private static readonly string[] Shards = ["plain_text/test-00000-of-00002.parquet", "plain_text/test-00001-of-00002.parquet"];

    private readonly string _root = Path.Combine(Path.GetTempPath(), "fastbert-prepare-dataset", Guid.NewGuid().ToString("N"));

    public HubDatasetPrepareCliTests() => Directory.CreateDirectory(_root);

    private string Cache => Path.Combine(_root, "cache");

    public void Dispose()
    {
        Environment.SetEnvironmentVariable("HF_ENDPOINT", null);
        Environment.SetEnvironmentVariable("HF_HUB_CACHE", null);
        Environment.SetEnvironmentVariable("HF_HUB_OFFLINE", null);
        Directory.Delete(_root, recursive: true);
    }

    [NodeFact]
    public void PrepareWithAHubDataset_PinsItInTheLock_ReusesThePinOffline_AndRefusesAChangedCachedFile()
    {
        var rows = SmsData.HeldOut().Take(160).ToList();
        var native = Path.Combine(_root, "native");
        var classLabel = """{"info":{"features":{"sms":{"dtype":"string","_type":"Value"},"label":{"names":["ham","spam"],"_type":"ClassLabel"}}}}""";
        WriteParquet(Path.Combine(native, Shards[0]), rows.Take(70).Select(r => Row("sms", r.Text, r.Label == "spam" ? 1 : 0)), classLabel);
        WriteParquet(Path.Combine(native, Shards[1]), rows.Skip(70).Select(r => Row("sms", r.Text, r.Label == "spam" ? 1 : 0)), classLabel);
        WriteParquet(Path.Combine(native, "plain_text", "train-00000-of-00001.parquet"), rows.Take(3).Select(r => Row("sms", r.Text, 0)), classLabel);
        var served = Shards.ToDictionary(s => s, s => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(native, s)))));

        var gates = "  minAccuracy: 0.9\n  minMacroF1: 0.8\n";
        var manifest = WriteManifest("spam.yaml", $"model:\n  source: {TestPaths.SmsModel}\nlabels: [ham, spam]\nvalidate:\n  data: hf-dataset:{Repo}\n  config: plain_text\n  split: test\n  textColumn: sms\n{gates}");
        var tsv = Path.Combine(_root, "held-out.tsv");
        File.WriteAllLines(tsv, ["label\ttext", .. rows.Select(r => $"{r.Label}\t{Regex.Replace(r.Text, "\\s+", " ")}")]);
        var tsvManifest = WriteManifest("spam-tsv.yaml", $"model:\n  source: {TestPaths.SmsModel}\nlabels: [ham, spam]\nvalidate:\n  data: {tsv}\n{gates}");
        var lockPath = Path.Combine(_root, "spam.lock.json");

        using (var server = new HubTestServer(TestPaths.SmsModel))
        {
            server.AddDataset(Repo, "main", Commit, native);
            Environment.SetEnvironmentVariable("HF_ENDPOINT", server.Endpoint);
            Environment.SetEnvironmentVariable("HF_HUB_CACHE", Cache);

            Prepare(manifest, "out");

            // indices pick rows of the split (in shard order), as they pick rows of a file.
            var indices = Path.Combine(_root, "picked.txt");
            File.WriteAllLines(indices, Enumerable.Range(0, rows.Count).Where(i => i % 3 != 1).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            Prepare(WriteManifest("picked.yaml", File.ReadAllText(manifest) + "  indices: picked.txt\n"), "out-picked");
            Prepare(WriteManifest("picked-tsv.yaml", File.ReadAllText(tsvManifest) + "  indices: picked.txt\n"), "out-picked-tsv");
            var picked = JsonNode.Parse(File.ReadAllText(Path.Combine(_root, "picked.lock.json")))!["validation"]!;
            var pickedTsv = JsonNode.Parse(File.ReadAllText(Path.Combine(_root, "picked-tsv.lock.json")))!["validation"]!;
            Assert.Equal(File.ReadAllLines(indices).Length, (int)picked["examples"]!);
            Assert.Equal(pickedTsv["examples"]!.ToJsonString() + pickedTsv["accuracy"]!.ToJsonString() + pickedTsv["macroF1"]!.ToJsonString(),
                picked["examples"]!.ToJsonString() + picked["accuracy"]!.ToJsonString() + picked["macroF1"]!.ToJsonString());

            // A split the dataset lacks is reported at validate.split, listing what it has; nothing is written.
            var wrongSplit = WriteManifest("wrong.yaml", File.ReadAllText(manifest).Replace("split: test", "split: validation"));
            var (splitExit, splitOut, _) = CliRunner.Run(string.Empty, "prepare", wrongSplit, "--output", Path.Combine(_root, "out-wrong"));
            Assert.Equal(ExitCodes.InputError, splitExit);
            Assert.Matches(@"wrong\.yaml\(7,10\): error FB0307: validate\.data hf-dataset:fastbert-test/sms_spam@main: configuration 'plain_text' of 'fastbert-test/sms_spam' has no split 'validation'\..*splits test, train", splitOut);
            Assert.False(File.Exists(Path.Combine(_root, "wrong.lock.json")));
            Assert.Empty(server.Violations);
        }

        var pinned = File.ReadAllText(lockPath);
        var dataset = JsonNode.Parse(pinned)!["dataset"]!;
        Assert.Equal($"hf-dataset:{Repo}@main", (string?)dataset["source"]);
        Assert.Equal("plain_text", (string?)dataset["config"]);
        Assert.Equal("test", (string?)dataset["split"]);
        Assert.Equal("main", (string?)dataset["revision"]);
        Assert.Equal(Commit, (string?)dataset["resolvedCommit"]);
        Assert.Equal("native", (string?)dataset["layout"]);
        Assert.Equal(served, dataset["files"]!.AsObject().ToDictionary(p => p.Key, p => (string)p.Value!));

        // The gates saw exactly what the same rows as a TSV give.
        Prepare(tsvManifest, "out-tsv");
        var fromHub = JsonNode.Parse(pinned)!["validation"]!;
        var fromTsv = JsonNode.Parse(File.ReadAllText(Path.Combine(_root, "spam-tsv.lock.json")))!["validation"]!;
        Assert.Equal($"hf-dataset:{Repo}@{Commit} plain_text/test", (string?)fromHub["data"]);
        Assert.Equal(rows.Count, (int)fromHub["examples"]!);
        Assert.Equal((int)fromTsv["examples"]!, (int)fromHub["examples"]!);
        Assert.Equal((double)fromTsv["accuracy"]!, (double)fromHub["accuracy"]!);
        Assert.Equal((double)fromTsv["macroF1"]!, (double)fromHub["macroF1"]!);
        Assert.Null(JsonNode.Parse(File.ReadAllText(Path.Combine(_root, "spam-tsv.lock.json")))!["dataset"]);

        // The server is gone: the pin alone (commit and files, all cached) suffices, with or without HF_HUB_OFFLINE.
        Environment.SetEnvironmentVariable("HF_ENDPOINT", "http://127.0.0.1:9");
        Prepare(manifest, "out-unreachable");
        Environment.SetEnvironmentVariable("HF_HUB_OFFLINE", "1");
        Prepare(manifest, "out-offline");
        Assert.Equal(pinned, File.ReadAllText(lockPath));

        // Not cached and offline: the user is told to run once online.
        Environment.SetEnvironmentVariable("HF_HUB_CACHE", Path.Combine(_root, "empty-cache"));
        var (missingExit, missing, _) = CliRunner.Run(string.Empty, "prepare", manifest, "--output", Path.Combine(_root, "out-missing"));
        Assert.Equal(ExitCodes.NetworkError, missingExit);
        Assert.Matches(@"spam\.yaml\(5,\d+\): error FB0307: the files of validate\.data hf-dataset:fastbert-test/sms_spam@main that spam\.lock\.json pins \(commit 1a2b3c4d5e6f\) are not in the Hugging Face cache", missing);
        Assert.Contains("once with network access", missing);
        Assert.False(Directory.Exists(Path.Combine(_root, "out-missing")));
        Environment.SetEnvironmentVariable("HF_HUB_CACHE", Cache);

        // Never pinned (no lock) and offline: the dataset cannot even be listed.
        var unpinned = WriteManifest("unpinned.yaml", File.ReadAllText(manifest));
        var (unpinnedExit, unpinnedOut, _) = CliRunner.Run(string.Empty, "prepare", unpinned, "--output", Path.Combine(_root, "out-unpinned"));
        Assert.Equal(ExitCodes.NetworkError, unpinnedExit);
        Assert.Contains("error FB0307: validate.data hf-dataset:fastbert-test/sms_spam@main is not pinned in unpinned.lock.json yet", unpinnedOut);
        Assert.Contains("once with network access", unpinnedOut);

        // A cached shard that changed under the pin is refused, naming it; the lock is left as it was.
        var cached = Path.Combine(Cache, "datasets--fastbert-test--sms_spam", "snapshots", Commit, Shards[1]);
        File.AppendAllText(cached, "tampered");
        var (exit, stdout, _) = CliRunner.Run(string.Empty, "prepare", manifest, "--output", Path.Combine(_root, "out-tampered"));
        Assert.Equal(ExitCodes.InputError, exit);
        Assert.Matches(@"spam\.yaml\(5,\d+\): error FB0305: plain_text/test-00001-of-00002\.parquet of validate\.data hf-dataset:fastbert-test/sms_spam@main .* has sha256 [0-9a-f]{12}… but spam\.lock\.json pins " + served[Shards[1]][..12], stdout);
        Assert.DoesNotContain("   at ", stdout);
        Assert.Equal(pinned, File.ReadAllText(lockPath));
    }

    [NodeFact]
    public void MultiLabelManifest_TunesAndGatesOnAHubDatasetOfLabelLists_AsOnTheSameRowsAsTsv()
    {
        using var model = new MultiLabelModelFolder();
        var rows = TaggedRows(120);
        var folder = Path.Combine(_root, "tags");
        WriteParquet(Path.Combine(folder, "data", "validation-00000-of-00001.parquet"), rows.Select(r => new Dictionary<string, object> { ["text"] = r.Text, ["labels"] = r.Labels }), null);

        var settings = "labels: [ham, spam]\nproblem: multi-label\nthresholds: tune\n";
        var manifest = WriteManifest("tags.yaml", $"model:\n  source: {model.Path}\n{settings}validate:\n  data: hf-dataset:{MultiLabelRepo}@main\n  split: validation\n  minAccuracy: 0.5\n");
        var tsv = Path.Combine(_root, "tags.tsv");
        File.WriteAllLines(tsv, ["text\tlabels", .. rows.Select(r => $"{r.Text}\t{string.Join('|', r.Labels)}")]);
        var tsvManifest = WriteManifest("tags-tsv.yaml", $"model:\n  source: {model.Path}\n{settings}validate:\n  data: {tsv}\n  minAccuracy: 0.5\n");

        using (var server = new HubTestServer(TestPaths.SmsModel))
        {
            server.AddDataset(MultiLabelRepo, "main", MultiLabelCommit, folder);
            Environment.SetEnvironmentVariable("HF_ENDPOINT", server.Endpoint);
            Environment.SetEnvironmentVariable("HF_HUB_CACHE", Cache);
            Prepare(manifest, "out");
        }

        Prepare(tsvManifest, "out-tsv");
        var fromHub = JsonNode.Parse(File.ReadAllText(Path.Combine(_root, "tags.lock.json")))!;
        var fromTsv = JsonNode.Parse(File.ReadAllText(Path.Combine(_root, "tags-tsv.lock.json")))!;
        Assert.Equal("default", (string?)fromHub["dataset"]!["config"]);
        Assert.Equal(MultiLabelCommit, (string?)fromHub["dataset"]!["resolvedCommit"]);
        Assert.Equal(fromTsv["thresholds"]!.ToJsonString(), fromHub["thresholds"]!.ToJsonString());
        foreach (var figure in new[] { "examples", "accuracy", "macroF1", "microF1" })
        {
            Assert.Equal(fromTsv["validation"]![figure]!.ToJsonString(), fromHub["validation"]![figure]!.ToJsonString());
        }
    }

    /// <summary>SMS messages as label sets: mostly their own label, every 7th both, every 11th none.</summary>
    internal static List<(string Text, string[] Labels)> TaggedRows(int count) =>
        SmsData.HeldOut().Take(count).Select((r, i) => (Regex.Replace(r.Text, "\\s+", " "),
            i % 11 == 5 ? Array.Empty<string>() : i % 7 == 3 ? ["ham", "spam"] : new[] { r.Label })).ToList();

    private void Prepare(string manifest, string output)
    {
        var (exit, stdout, stderr) = CliRunner.Run(string.Empty, "prepare", manifest, "--output", Path.Combine(_root, output));
        Assert.True(exit == 0, stdout + stderr);
    }

    private string WriteManifest(string name, string yaml)
    {
        var path = Path.Combine(_root, name);
        File.WriteAllText(path, yaml);
        return path;
    }

    private static Dictionary<string, object> Row(string textColumn, string text, object label) => new() { [textColumn] = text, ["label"] = label };

    private void WriteParquet(string path, IEnumerable<Dictionary<string, object>> rows, string? metadata) =>
        ParquetFixtures.Write(_root, path, rows, metadata);
}
