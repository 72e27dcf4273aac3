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
public sealed record ParquetColumnData(IReadOnlyList<string> Columns, IReadOnlyList<string?> Texts, IReadOnlyList<string?>? Labels, IReadOnlyList<string>? LabelNames)
{
    /// <summary>
    /// When the label column is a list (<c>list&lt;string&gt;</c>, or <c>list&lt;int&gt;</c> of ClassLabel indices, as the
    /// datasets library writes a <c>Sequence(ClassLabel)</c>): each row's items as strings (a null list reads as an
    /// empty one); <see cref="Labels"/> is then null.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<string>>? LabelLists { get; init; }

    /// <summary>The text pair column's cells (null for a null cell), or null without a text pair column.</summary>
    public IReadOnlyList<string?>? TextPairs { get; init; }
}

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
        CancellationToken cancellationToken = default, string? textPairColumn = null)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentNullException.ThrowIfNull(textColumn);
        var texts = new List<string?>();
        var textPairs = textPairColumn is null ? null : new List<string?>();
        List<string?>? labels = null;
        List<IReadOnlyList<string>>? labelLists = null;
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
            var textField = Field(reader, path, textColumn, fileColumns, allowList: false);
            var pairField = textPairColumn is null ? null : Field(reader, path, textPairColumn, fileColumns, allowList: false);
            var labelField = labelColumn is null ? null : Field(reader, path, labelColumn, fileColumns, allowList: true);
            var labelIsList = labelField is not null && labelField.MaxRepetitionLevel > 0;
            if (labelField is not null && (labelIsList ? labels is not null : labelLists is not null))
            {
                throw new DataFormatException(path, null, $"label column '{labelColumn}' is {(labelIsList ? "a list" : "a single value")} here but not in the files before it; every file of the data must have the same schema.");
            }

            if (labelField is not null)
            {
                if (labelIsList)
                {
                    labelLists ??= [];
                }
                else
                {
                    labels ??= [];
                }
            }

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
                if (pairField is not null)
                {
                    var groupPairs = await ReadTextAsync(rowGroup, pairField, all, path, cancellationToken).ConfigureAwait(false);
                    textPairs!.AddRange(groupPairs.Take(count));
                }

                if (labelField is not null && labelIsList)
                {
                    var groupLists = await ReadLabelListsAsync(rowGroup, labelField, labelColumn!, all, path, cancellationToken).ConfigureAwait(false);
                    labelLists!.AddRange(groupLists.Take(count));
                }
                else if (labelField is not null)
                {
                    var groupLabels = await ReadLabelAsync(rowGroup, labelField, all, path, cancellationToken).ConfigureAwait(false);
                    labels!.AddRange(groupLabels.Take(count));
                }
            }
        }

        return new ParquetColumnData(columns ?? [], texts, labels, labelNames) { LabelLists = labelLists, TextPairs = textPairs };
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

    // A single value per row, or (allowList) a list of single values: its item field, whose MaxRepetitionLevel is 1.
    private static DataField Field(ParquetReader reader, string path, string column, IReadOnlyList<string> columns, bool allowList)
    {
        var field = reader.Schema.Fields.FirstOrDefault(f => f.Name == column)
            ?? reader.Schema.Fields.FirstOrDefault(f => string.Equals(f.Name, column, StringComparison.OrdinalIgnoreCase));
        return field switch
        {
            null => throw new DataFormatException(path, null, $"there is no column '{column}'; the columns are {string.Join(", ", columns)}."),
            DataField { IsArray: false, MaxRepetitionLevel: 0 } data => data,
            ListField { Item: DataField { IsArray: false, MaxRepetitionLevel: 1 } item } when allowList => item,
            ListField when !allowList => throw new DataFormatException(path, null, $"column '{column}' is a list, not a single text per row; name the text column."),
            _ => throw new DataFormatException(path, null, $"column '{column}' is a nested list or a structure; labels must be a value or a list of values per row."),
        };
    }

    // Raw read: the values of present items packed, and per slot a definition level (max: an item is there; less:
    // an empty list, a null list or a null item) and a repetition level (0: the slot starts a row).
    private static async Task<IReadOnlyList<string>[]> ReadLabelListsAsync(ParquetRowGroupReader rowGroup, DataField item, string column, int rows, string path, CancellationToken cancellationToken)
    {
        var slots = checked((int)(rowGroup.GetMetadata(item)?.MetaData?.NumValues ?? rows));
        var definitions = new int[slots];
        var repetitions = new int[slots];
        string[] values;
        var type = item.ClrType;
        if (type == typeof(string) || type == typeof(ReadOnlyMemory<char>))
        {
            var raw = new ReadOnlyMemory<char>[slots];
            await rowGroup.ReadRawAsync(item, raw.AsMemory(), definitions.AsMemory(), repetitions.AsMemory(), cancellationToken).ConfigureAwait(false);
            values = raw.Select(v => v.ToString()).ToArray();
        }
        else if (type == typeof(long))
        {
            values = await ReadRawNumbersAsync<long>(rowGroup, item, definitions, repetitions, cancellationToken).ConfigureAwait(false);
        }
        else if (type == typeof(int))
        {
            values = await ReadRawNumbersAsync<int>(rowGroup, item, definitions, repetitions, cancellationToken).ConfigureAwait(false);
        }
        else if (type == typeof(short))
        {
            values = await ReadRawNumbersAsync<short>(rowGroup, item, definitions, repetitions, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            throw new DataFormatException(path, null, $"label column '{column}' is a list of {type.Name} values; a list of labels must hold text or integers.");
        }

        var result = new IReadOnlyList<string>[rows];
        Array.Fill(result, Array.Empty<string>());
        var row = -1;
        var next = 0;
        List<string> current = [];
        for (var slot = 0; slot < slots; slot++)
        {
            if (repetitions[slot] == 0)
            {
                row++;
                if (row >= rows)
                {
                    break;
                }

                // A null list reads as an empty one: a row without labels, as an empty multi-label cell of a TSV.
                current = [];
                result[row] = current;
            }

            if (definitions[slot] == item.MaxDefinitionLevel)
            {
                current.Add(values[next]);
                next++;
            }
        }

        return result;
    }

    private static async Task<string[]> ReadRawNumbersAsync<T>(ParquetRowGroupReader rowGroup, DataField item, int[] definitions, int[] repetitions, CancellationToken cancellationToken)
        where T : struct, IConvertible
    {
        var raw = new T[definitions.Length];
        await rowGroup.ReadRawAsync(item, raw.AsMemory(), definitions.AsMemory(), repetitions.AsMemory(), cancellationToken).ConfigureAwait(false);
        return raw.Select(v => Convert.ToInt64(v, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture)).ToArray();
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
                    // A ClassLabel, or a list of them: {"_type": "Sequence" (or "List"), "feature": {"_type": "ClassLabel", ...}}.
                    var classLabel = feature.Value;
                    if (TypeOf(classLabel) is "Sequence" or "List" or "LargeList" && classLabel.TryGetProperty("feature", out var inner))
                    {
                        classLabel = inner;
                    }

                    if (TypeOf(classLabel) == "ClassLabel" && classLabel.TryGetProperty("names", out var names) && names.ValueKind == JsonValueKind.Array)
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

    private static string? TypeOf(JsonElement feature) =>
        feature.ValueKind == JsonValueKind.Object && feature.TryGetProperty("_type", out var kind) && kind.ValueKind == JsonValueKind.String ? kind.GetString() : null;
}
