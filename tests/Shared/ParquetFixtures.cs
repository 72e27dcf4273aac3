using System.Text.Json;

namespace FastBert.Tests;

/// <summary>Parquet test files written by DuckDB (tests/Shared/node/write-parquet.mjs), an independent writer.</summary>
internal static class ParquetFixtures
{
    /// <summary>
    /// Writes <paramref name="rows"/> (column → value; lists become Parquet lists) to <paramref name="path"/>, with the
    /// datasets library's <c>huggingface</c> metadata when given. Scratch files go to <paramref name="scratch"/>.
    /// </summary>
    public static void Write(string scratch, string path, IEnumerable<Dictionary<string, object>> rows, string? metadata)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var jsonl = Path.Combine(scratch, Guid.NewGuid().ToString("N") + ".jsonl");
        File.WriteAllLines(jsonl, rows.Select(r => JsonSerializer.Serialize(r)));
        List<string> arguments = [jsonl, path];
        if (metadata is not null)
        {
            var metadataFile = Path.Combine(scratch, Guid.NewGuid().ToString("N") + ".json");
            File.WriteAllText(metadataFile, metadata);
            arguments.Add(metadataFile);
        }

        var result = NodeTools.Run("write-parquet.mjs", arguments);
        Assert.True(result.ExitCode == 0, result.All);
    }
}
