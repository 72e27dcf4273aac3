using FastBert.Models.Data;
using FastBert.Models.Tests.Checkpoints;

namespace FastBert.Models.Tests.Data;

/// <summary>Formats, headers, columns and labels on small hand-written files.</summary>
public sealed class LabelledDataReaderTests : IDisposable
{
    private static readonly string[] Spam = ["ham", "spam"];
    private static readonly string[] Sentiment = ["negative", "neutral", "positive"];

    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private string Write(string name, string content)
    {
        var path = _folder.File(name);
        File.WriteAllText(path, content);
        return path;
    }

    private static LabelledDataset Read(string path, IReadOnlyList<string> labels, DataReadOptions? options = null) =>
        LabelledDataReader.Read(path, options ?? DataReadOptions.Default, labels);

    // ---- CSV (RFC 4180) ----

    [Fact]
    public void Csv_QuotedComma_StaysInTheText()
    {
        var path = Write("a.csv", "text,label\n\"hello, world\",spam\nplain,ham\n");

        var data = Read(path, Spam);

        Assert.Equal([new LabelledExample(2, "hello, world", 1), new LabelledExample(3, "plain", 0)], data.Examples);
    }

    [Fact]
    public void Csv_QuotedNewline_StaysInTheTextAndLaterRowsKeepTheirLineNumbers()
    {
        var path = Write("a.csv", "text,label\n\"two\nlines\",ham\nnext,spam\n");

        var data = Read(path, Spam);

        Assert.Equal(new LabelledExample(2, "two\nlines", 0), data.Examples[0]);
        Assert.Equal(new LabelledExample(4, "next", 1), data.Examples[1]);
    }

    [Fact]
    public void Csv_DoubledQuote_IsOneLiteralQuote()
    {
        var path = Write("a.csv", "text,label\n\"she said \"\"hi\"\"\",ham\n");

        var data = Read(path, Spam);

        Assert.Equal("she said \"hi\"", Assert.Single(data.Examples).Text);
    }

    [Fact]
    public void Csv_QuotedLabelAndCrLfLineEnds_Read()
    {
        var path = Write("a.csv", "text,label\r\nfirst,\"spam\"\r\nsecond,ham");

        var data = Read(path, Spam);

        Assert.Equal([new LabelledExample(2, "first", 1), new LabelledExample(3, "second", 0)], data.Examples);
    }

    [Fact]
    public void Csv_QuoteInsideAnUnquotedField_IsKeptAsText()
    {
        var path = Write("a.csv", "text,label\n5\" screen,ham\n");

        Assert.Equal("5\" screen", Assert.Single(Read(path, Spam).Examples).Text);
    }

    [Fact]
    public void Csv_ThreeColumnsWithoutHeader_LabelFoundByValuesAndTextIsTheLongerColumn()
    {
        var path = Write("a.csv", "1,a fairly long message,spam\n2,another long message here,ham\n");

        var data = Read(path, Spam);

        Assert.Equal([new LabelledExample(1, "a fairly long message", 1), new LabelledExample(2, "another long message here", 0)],
            data.Examples);
    }

    // ---- TSV / text files ----

    [Fact]
    public void Tsv_HeaderWithSentenceAndLabel_IsSkippedAndColumnsFoundByName()
    {
        var path = Write("a.tsv", "label\tsentence\n1\tgood film\n0\tbad film\n");

        var data = Read(path, Spam);

        Assert.Equal([new LabelledExample(2, "good film", 1), new LabelledExample(3, "bad film", 0)], data.Examples);
    }

    [Fact]
    public void Tsv_WithoutHeader_LabelFirstColumnDetectedFromValues()
    {
        var path = Write("a.tsv", "ham\tsee you at 5\nspam\tWIN a prize now\n");

        var data = Read(path, Spam);

        Assert.Equal([new LabelledExample(1, "see you at 5", 0), new LabelledExample(2, "WIN a prize now", 1)], data.Examples);
    }

    [Fact]
    public void Tsv_HeaderWithUnknownNames_DetectedBecauseItsLabelCellIsNotALabel()
    {
        var path = Write("a.tsv", "words\tkind\nsee you\tham\nprize\tspam\n");

        var data = Read(path, Spam);

        Assert.Equal(2, data.Count);
        Assert.Equal(2, data.Examples[0].LineNumber);
    }

    [Fact]
    public void Tsv_QuotesAreText()
    {
        var path = Write("a.tsv", "text\tlabel\n\"quoted\" start\tham\n");

        Assert.Equal("\"quoted\" start", Assert.Single(Read(path, Spam).Examples).Text);
    }

    [Fact]
    public void IntegerLabels_AreIndicesIntoTheModelLabels()
    {
        var path = Write("a.tsv", "text\tlabel\nbad\t0\nmeh\t1\ngreat\t2\n");

        Assert.Equal([0, 1, 2], Read(path, Sentiment).Labels);
    }

    [Fact]
    public void LabelNames_MatchCaseInsensitivelyAndIgnoreSurroundingSpaces()
    {
        var path = Write("a.tsv", "text\tlabel\na\tSPAM\nb\t Ham \nc\tsPaM\n");

        Assert.Equal([1, 0, 1], Read(path, Spam).Labels);
    }

    [Fact]
    public void EmptyText_IsAllowed()
    {
        var path = Write("a.tsv", "text\tlabel\n\tham\n");

        Assert.Equal("", Assert.Single(Read(path, Spam).Examples).Text);
    }

    [Fact]
    public void BlankLines_AreSkippedAndLineNumbersStayPhysical()
    {
        var path = Write("a.tsv", "text\tlabel\n\nfirst\tham\n   \nsecond\tspam\n\n");

        var data = Read(path, Spam);

        Assert.Equal([3, 5], data.Examples.Select(e => e.LineNumber));
    }

    [Fact]
    public void TxtWithSemicolons_SplitsOnTheLastSemicolon()
    {
        var path = Write("a.txt", "text;label_name\ni feel ok; really;joy\nsad day;sadness\n");

        var data = Read(path, ["sadness", "joy"]);

        Assert.Equal([new LabelledExample(2, "i feel ok; really", 1), new LabelledExample(3, "sad day", 0)], data.Examples);
    }

    [Fact]
    public void NoExtension_LabelFirstSemicolonFile_SplitsOnTheFirstSemicolon()
    {
        var path = Write("data", "label;text\nspam;win; now\nham;hi\n");

        Assert.Equal("win; now", Read(path, Spam).Examples[0].Text);
    }

    [Fact]
    public void TxtWithTabs_PrefersTabOverCommasAndSemicolons()
    {
        var path = Write("a.txt", "ham\thello, there; friend\nspam\tfree, now; call\n");

        var data = Read(path, Spam);

        Assert.Equal("hello, there; friend", data.Examples[0].Text);
    }

    [Fact]
    public void TxtWithCommas_IsReadAsCsvWithQuoting()
    {
        var path = Write("a.txt", "text,label\n\"a, b\",ham\n");

        Assert.Equal("a, b", Assert.Single(Read(path, Spam).Examples).Text);
    }

    [Fact]
    public void SeparatorOption_OverridesTheSniffedOne()
    {
        var path = Write("a.txt", "text|label\nhello, world|ham\n");

        var data = Read(path, Spam, new DataReadOptions { Separator = '|' });

        Assert.Equal("hello, world", Assert.Single(data.Examples).Text);
    }

    [Fact]
    public void ColumnOptions_ByHeaderName()
    {
        var path = Write("a.csv", "id,body,verdict,note\n1,first text,spam,x\n2,second,ham,y\n");

        var data = Read(path, Spam, new DataReadOptions { TextColumn = "BODY", LabelColumn = "verdict" });

        Assert.Equal([new LabelledExample(2, "first text", 1), new LabelledExample(3, "second", 0)], data.Examples);
    }

    [Fact]
    public void ColumnOptions_ByIndexWithoutHeader()
    {
        var path = Write("a.csv", "x,ham,first\ny,spam,second\n");

        var data = Read(path, Spam, new DataReadOptions { TextColumn = "2", LabelColumn = "1" });

        Assert.Equal([new LabelledExample(1, "first", 0), new LabelledExample(2, "second", 1)], data.Examples);
    }

    [Fact]
    public void ColumnOptions_NumbersAreIndicesEvenWhenTheFirstRowHoldsTheSameValue()
    {
        // Without header; the first row's label cell "1" must not be taken for a header named "1".
        var path = Write("a.tsv", "great\t1\nbad\t0\n");

        var data = Read(path, Spam, new DataReadOptions { TextColumn = "0", LabelColumn = "1" });

        Assert.Equal([new LabelledExample(1, "great", 1), new LabelledExample(2, "bad", 0)], data.Examples);
    }

    [Fact]
    public void ColumnOptions_IndexWithHeader_HeaderStillDetected()
    {
        var path = Write("a.tsv", "words\tverdict\ngreat\t1\n");

        var data = Read(path, Spam, new DataReadOptions { LabelColumn = "1" });

        Assert.Equal(new LabelledExample(2, "great", 1), Assert.Single(data.Examples));
    }

    [Fact]
    public void ColumnOption_IndexPastTheLastColumn_IsAnError()
    {
        var path = Write("a.tsv", "text\tlabel\ngreat\t1\n");

        var ex = Assert.Throws<DataFormatException>(() => Read(path, Spam, new DataReadOptions { LabelColumn = "5" }));

        Assert.Contains("label column 5", ex.Message);
    }

    [Fact]
    public void ColumnOption_NamingAMissingColumn_ListsTheColumns()
    {
        var path = Write("a.csv", "text,label\nhi,ham\n");

        var ex = Assert.Throws<DataFormatException>(() => Read(path, Spam, new DataReadOptions { LabelColumn = "verdict" }));

        Assert.Equal(1, ex.LineNumber);
        Assert.Contains("'verdict'", ex.Message);
        Assert.Contains("'text', 'label'", ex.Message);
    }

    [Fact]
    public void SkipLabels_DropRowsCaseInsensitively()
    {
        var path = Write("a.tsv", "text\tlabel\na\tham\nb\tNOCODE\nc\tspam|ham\n");

        var data = Read(path, Spam, new DataReadOptions { SkipLabels = ["nocode"], DropMultiLabel = true });

        Assert.Equal(1, data.Count);
        Assert.Equal(2, data.SkippedRows);
    }

    // ---- JSON lines ----

    [Fact]
    public void Jsonl_TextAndLabelFields_NamesAndIntegerIndices()
    {
        var path = Write("a.jsonl", "{\"text\":\"hello\",\"label\":\"spam\"}\n\n{\"label\":0,\"text\":\"bye\",\"extra\":true}\n");

        var data = Read(path, Spam);

        Assert.Equal([new LabelledExample(1, "hello", 1), new LabelledExample(3, "bye", 0)], data.Examples);
    }

    [Fact]
    public void Jsonl_FieldNamesFromOptions()
    {
        var path = Write("a.jsonl", "{\"sentence\":\"hello\",\"gold\":\"Positive\"}\n");

        var data = Read(path, Sentiment, new DataReadOptions { TextColumn = "sentence", LabelColumn = "gold" });

        Assert.Equal(new LabelledExample(1, "hello", 2), Assert.Single(data.Examples));
    }

    [Fact]
    public void TxtHoldingJsonObjects_IsReadAsJsonLines()
    {
        var path = Write("a.txt", "{\"text\":\"a, b; c\",\"label\":\"ham\"}\n");

        Assert.Equal("a, b; c", Assert.Single(Read(path, Spam).Examples).Text);
    }

    // ---- index files and subsets ----

    [Fact]
    public void Select_KeepsTheGivenOrderAndRejectsOutOfRange()
    {
        var data = Read(Write("a.tsv", "ham\ta\nspam\tb\nham\tc\n"), Spam);

        Assert.Equal(["c", "a"], data.Select([2, 0]).Texts);
        Assert.Throws<ArgumentOutOfRangeException>(() => data.Select([3]));
    }

    [Fact]
    public void IndexFile_BlankLinesIgnored()
    {
        var data = Read(Write("a.tsv", "ham\ta\nspam\tb\nham\tc\n"), Spam);
        var indices = Write("idx.txt", "1\n\n 2 \n");

        Assert.Equal(["b", "c"], data.SelectFromIndexFile(indices).Texts);
    }

    [Fact]
    public void IndexFile_NonNumberLine_ReportsItsLine()
    {
        var indices = Write("idx.txt", "1\n2\nthree\n");

        var ex = Assert.Throws<DataFormatException>(() => LabelledDataReader.ReadIndices(indices));

        Assert.Equal(3, ex.LineNumber);
        Assert.Contains("'three'", ex.Message);
    }

    [Fact]
    public void IndexFile_IndexPastTheEnd_ReportsItsLine()
    {
        var data = Read(Write("a.tsv", "ham\ta\nspam\tb\n"), Spam);
        var indices = Write("idx.txt", "0\n2\n");

        var ex = Assert.Throws<DataFormatException>(() => data.SelectFromIndexFile(indices));

        Assert.Equal(indices, ex.FilePath);
        Assert.Equal(2, ex.LineNumber);
    }
}
