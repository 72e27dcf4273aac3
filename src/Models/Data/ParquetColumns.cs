using System.Globalization;
using System.Text.Json;
using Parquet;
using Parquet.Schema;

namespace FastBert.Models.Data;

/// <summary>A text column and an optional label column read from Parquet files, row by row, as strings.</summary>
/// <param name="Columns">Every top-level column of the first file, in schema order.</param>
/// <param name="Texts">The text cells (null for a null cell).</param>
/// <param name="Labels">The label cells (a string column's value, an integer column's number), or null without a label column.</param>
/// <param name="LabelNames">
/// The label column's class names, when the files' <c>huggingface</c> metadata (written by the datasets library)
/// declares it a <c>ClassLabel</c>: value i is <c>LabelNames[i]</c>.
/// </param>
public sealed record ParquetColumnData(IReadOnlyList<string> Columns, IReadOnlyList<string?> Texts, IReadOnlyList<string?>? Labels, IReadOnlyList<string>? LabelNames);

/// <summary>Reads the columns a labelled data set needs from Parquet files (Parquet.Net), in file and row order.</summary>
public static class ParquetColumns
{
    /// <summary>The key-value metadata the datasets library writes into each Parquet file (its features among them).</summary>
    public const string HuggingFaceMetadataKey = "huggingface";

    /// <summary>The columns of <paramref name="path"/>'s schema and its ClassLabel columns' names.</summary>
    public static async Task<(IReadOnlyList<string> Columns, IReadOnlyDictionary<string, IReadOnlyList<string>> ClassLabels)> ReadSchemaAsync(
        string path, CancellationToken cancellationToken = default)
    {
        await using var stream = OpenRead(path);
        await using var reader = await Open(path, stream, cancellationToken).ConfigureAwait(false);
        return (reader.Schema.Fields.Select(f => f.Name).ToList(), ClassLabels(reader, path));
    }

    /// <summary>
    /// Reads <paramref name="textColumn"/> and <paramref name="labelColumn"/> from <paramref name="paths"/>, at most
    /// <paramref name="maxRows"/> rows in all (null: every row).
    /// </summary>
    /// <exception cref="DataFormatException">A file is not Parquet, lacks a column (the message lists those it has), or
    /// a column is of a type that cannot be text or a label.</exception>
    public static async Task<ParquetColumnData> ReadAsync(IReadOnlyList<string> paths, string textColumn, string? labelColumn, int? maxRows,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentNullException.ThrowIfNull(textColumn);
        var texts = new List<string?>();
        var labels = labelColumn is null ? null : new List<string?>();
        IReadOnlyList<string>? columns = null;
        IReadOnlyList<string>? labelNames = null;
        foreach (var path in paths)
        {
            if (texts.Count >= maxRows)
            {
                break;
            }

            await using var stream = OpenRead(path);
            await using var reader = await Open(path, stream, cancellationToken).ConfigureAwait(false);
            var fileColumns = reader.Schema.Fields.Select(f => f.Name).ToList();
            columns ??= fileColumns;
            var textField = Field(reader, path, textColumn, fileColumns);
            var labelField = labelColumn is null ? null : Field(reader, path, labelColumn, fileColumns);
            if (labelColumn is not null && labelNames is null && ClassLabels(reader, path).TryGetValue(labelColumn, out var names))
            {
                labelNames = names;
            }

            for (var group = 0; group < reader.RowGroupCount && texts.Count < (maxRows ?? int.MaxValue); group++)
            {
                using var rowGroup = reader.OpenRowGroupReader(group);
                var count = (int)Math.Min(rowGroup.RowCount, (long)(maxRows ?? int.MaxValue) - texts.Count);
                var all = (int)rowGroup.RowCount;
                var groupTexts = await ReadTextAsync(rowGroup, textField, all, path, cancellationToken).ConfigureAwait(false);
                texts.AddRange(groupTexts.Take(count));
                if (labelField is not null)
                {
                    var groupLabels = await ReadLabelAsync(rowGroup, labelField, all, path, cancellationToken).ConfigureAwait(false);
                    labels!.AddRange(groupLabels.Take(count));
                }
            }
        }

        return new ParquetColumnData(columns ?? [], texts, labels, labelNames);
    }

    private static FileStream OpenRead(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16, useAsync: true);

    private static async Task<ParquetReader> Open(string path, Stream stream, CancellationToken cancellationToken)
    {
        try
        {
            return await ParquetReader.CreateAsync(stream, new ParquetOptions(), leaveStreamOpen: true, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or NotSupportedException or ArgumentException or InvalidOperationException)
        {
            throw new DataFormatException(path, null, $"not a readable Parquet file: {e.Message}", e);
        }
    }

    private static DataField Field(ParquetReader reader, string path, string column, IReadOnlyList<string> columns)
    {
        var field = reader.Schema.Fields.FirstOrDefault(f => f.Name == column)
            ?? reader.Schema.Fields.FirstOrDefault(f => string.Equals(f.Name, column, StringComparison.OrdinalIgnoreCase));
        return field switch
        {
            null => throw new DataFormatException(path, null, $"there is no column '{column}'; the columns are {string.Join(", ", columns)}."),
            DataField { IsArray: false } data => data,
            _ => throw new DataFormatException(path, null, $"column '{column}' is a list or a structure, not a single value per row."),
        };
    }

    private static async Task<string?[]> ReadTextAsync(ParquetRowGroupReader rowGroup, DataField field, int count, string path, CancellationToken cancellationToken)
    {
        if (field.ClrType != typeof(string) && field.ClrType != typeof(ReadOnlyMemory<char>))
        {
            throw new DataFormatException(path, null, $"column '{field.Name}' holds {field.ClrType.Name} values, not text; name the text column.");
        }

        var values = new string?[count];
        await rowGroup.ReadAsync(field, values.AsMemory()!, null, cancellationToken).ConfigureAwait(false);
        return values;
    }

    private static async Task<string?[]> ReadLabelAsync(ParquetRowGroupReader rowGroup, DataField field, int count, string path, CancellationToken cancellationToken)
    {
        var type = field.ClrType;
        if (type == typeof(string) || type == typeof(ReadOnlyMemory<char>))
        {
            return await ReadTextAsync(rowGroup, field, count, path, cancellationToken).ConfigureAwait(false);
        }

        if (type == typeof(long))
        {
            return await ReadNumbersAsync<long>(rowGroup, field, count, cancellationToken).ConfigureAwait(false);
        }

        if (type == typeof(int))
        {
            return await ReadNumbersAsync<int>(rowGroup, field, count, cancellationToken).ConfigureAwait(false);
        }

        if (type == typeof(short))
        {
            return await ReadNumbersAsync<short>(rowGroup, field, count, cancellationToken).ConfigureAwait(false);
        }

        if (type == typeof(sbyte))
        {
            return await ReadNumbersAsync<sbyte>(rowGroup, field, count, cancellationToken).ConfigureAwait(false);
        }

        if (type == typeof(byte))
        {
            return await ReadNumbersAsync<byte>(rowGroup, field, count, cancellationToken).ConfigureAwait(false);
        }

        if (type == typeof(bool))
        {
            return await ReadNumbersAsync<bool>(rowGroup, field, count, cancellationToken).ConfigureAwait(false);
        }

        throw new DataFormatException(path, null, $"label column '{field.Name}' holds {type.Name} values; labels must be text or integers.");
    }

    private static async Task<string?[]> ReadNumbersAsync<T>(ParquetRowGroupReader rowGroup, DataField field, int count, CancellationToken cancellationToken)
        where T : struct, IConvertible
    {
        var values = new T?[count];
        await rowGroup.ReadAsync(field, values.AsMemory(), null, cancellationToken).ConfigureAwait(false);
        return values.Select(v => v is { } value ? Convert.ToInt64(value, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture) : null).ToArray();
    }

    // {"info": {"features": {"label": {"_type": "ClassLabel", "names": ["neg", "pos"]}, ...}}}
    private static Dictionary<string, IReadOnlyList<string>> ClassLabels(ParquetReader reader, string path)
    {
        var result = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        if (!reader.CustomMetadata.TryGetValue(HuggingFaceMetadataKey, out var json))
        {
            return result;
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("info", out var info) && info.ValueKind == JsonValueKind.Object
                && info.TryGetProperty("features", out var features) && features.ValueKind == JsonValueKind.Object)
            {
                foreach (var feature in features.EnumerateObject())
                {
                    if (feature.Value.ValueKind == JsonValueKind.Object
                        && feature.Value.TryGetProperty("_type", out var kind) && kind.ValueKind == JsonValueKind.String && kind.GetString() == "ClassLabel"
                        && feature.Value.TryGetProperty("names", out var names) && names.ValueKind == JsonValueKind.Array)
                    {
                        result[feature.Name] = names.EnumerateArray().Select(n => n.ValueKind == JsonValueKind.String ? n.GetString()! : n.ToString()).ToList();
                    }
                }
            }
        }
        catch (JsonException e)
        {
            throw new DataFormatException(path, null, $"its '{HuggingFaceMetadataKey}' metadata is not valid JSON: {e.Message}", e);
        }

        return result;
    }
}
