using FastBert.Models.Data;
using FastBert.Models.Tests.Checkpoints;

namespace FastBert.Models.Tests.Data;

/// <summary>Every malformed file fails with a <see cref="DataFormatException"/> naming the file and the line.</summary>
public sealed class MalformedDataTests : IDisposable
{
    private static readonly string[] Spam = ["ham", "spam"];

    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private string Write(string name, string content)
    {
        var path = _folder.File(name);
        File.WriteAllText(path, content);
        return path;
    }

    private static DataFormatException ReadFails(string path, DataReadOptions? options = null) =>
        Assert.ThrowsAny<DataFormatException>(() => LabelledDataReader.Read(path, options ?? DataReadOptions.Default, Spam));

    [Fact]
    public void UnterminatedQuote_ReportsTheLineWhereTheQuoteOpens()
    {
        var path = Write("a.csv", "text,label\nfine,ham\n\"never closed,spam\nmore,ham\n");

        var ex = ReadFails(path);

        Assert.Equal(3, ex.LineNumber);
        Assert.Contains("unterminated", ex.Message);
        Assert.StartsWith($"{path}:3:", ex.Message);
    }

    [Fact]
    public void TextAfterAClosingQuote_ReportsItsLine()
    {
        var path = Write("a.csv", "text,label\n\"quoted\"tail,ham\n");

        Assert.Equal(2, ReadFails(path).LineNumber);
    }

    [Fact]
    public void WrongColumnCount_ReportsTheLineAndCounts()
    {
        var path = Write("a.tsv", "text\tlabel\nfine\tham\nextra\tspam\tcolumn\n");

        var ex = ReadFails(path);

        Assert.Equal(3, ex.LineNumber);
        Assert.Contains("expected 2 columns", ex.Message);
        Assert.Contains("found 3", ex.Message);
    }

    [Fact]
    public void MissingColumn_ReportsTheLine()
    {
        var path = Write("a.csv", "text,label\nfine,ham\nno label here\n");

        Assert.Equal(3, ReadFails(path).LineNumber);
    }

    [Fact]
    public void UnknownLabel_ReportsLineValueAndTheModelLabels()
    {
        var path = Write("a.tsv", "text\tlabel\nfine\tham\nodd\tspma\n");

        var ex = Assert.Throws<UnknownLabelException>(() => LabelledDataReader.Read(path, DataReadOptions.Default, Spam));

        Assert.Equal(3, ex.LineNumber);
        Assert.Equal("spma", ex.Value);
        Assert.Equal(Spam, ex.ModelLabels);
        Assert.Contains("'spma'", ex.Message);
        Assert.Contains("0 ham, 1 spam", ex.Message);
    }

    [Fact]
    public void UnknownLabel_WithoutHeader_StillReportsItsLine()
    {
        var path = Write("a.tsv", "hello\tham\nbye\tspma\n");

        var ex = Assert.Throws<UnknownLabelException>(() => LabelledDataReader.Read(path, DataReadOptions.Default, Spam));

        Assert.Equal(2, ex.LineNumber);
    }

    [Fact]
    public void LabelIndexOutOfRange_IsAnUnknownLabel()
    {
        var path = Write("a.tsv", "text\tlabel\nok\t1\nbad\t2\n");

        var ex = Assert.Throws<UnknownLabelException>(() => LabelledDataReader.Read(path, DataReadOptions.Default, Spam));

        Assert.Equal(3, ex.LineNumber);
        Assert.Equal("2", ex.Value);
    }

    [Fact]
    public void WrongDataForTheModel_WithHeader_FailsAtTheFirstExample()
    {
        var path = Write("a.tsv", "text\tlabel\nhappy day\tjoy\n");

        var ex = Assert.Throws<UnknownLabelException>(() => LabelledDataReader.Read(path, DataReadOptions.Default, Spam));

        Assert.Equal(2, ex.LineNumber);
    }

    [Fact]
    public void NoColumnHoldsLabels_WithoutHeader_SaysSoAndListsTheModelLabels()
    {
        var path = Write("a.tsv", "happy day\tjoy\nsad day\tsadness\n");

        var ex = ReadFails(path);

        Assert.Equal(1, ex.LineNumber);
        Assert.Contains("ham, spam", ex.Message);
    }

    [Fact]
    public void BadJsonLine_ReportsItsLine()
    {
        var path = Write("a.jsonl", "{\"text\":\"ok\",\"label\":\"ham\"}\n{\"text\":\"broken\",\"label\":\n{\"text\":\"ok\",\"label\":\"spam\"}\n");

        var ex = ReadFails(path);

        Assert.Equal(2, ex.LineNumber);
        Assert.Contains("JSON", ex.Message);
    }

    [Fact]
    public void JsonLineThatIsNotAnObject_ReportsItsLine()
    {
        var path = Write("a.jsonl", "{\"text\":\"ok\",\"label\":\"ham\"}\n[\"a\",\"ham\"]\n");

        Assert.Equal(2, ReadFails(path).LineNumber);
    }

    [Fact]
    public void JsonLineWithoutLabel_ReportsLineAndFields()
    {
        var path = Write("a.jsonl", "{\"text\":\"ok\",\"gold\":\"ham\"}\n");

        var ex = ReadFails(path);

        Assert.Equal(1, ex.LineNumber);
        Assert.Contains("'gold'", ex.Message);
    }

    [Fact]
    public void UnknownLabelInJson_ReportsItsLine()
    {
        var path = Write("a.jsonl", "{\"text\":\"ok\",\"label\":\"ham\"}\n{\"text\":\"ok\",\"label\":7}\n");

        var ex = Assert.Throws<UnknownLabelException>(() => LabelledDataReader.Read(path, DataReadOptions.Default, Spam));

        Assert.Equal(2, ex.LineNumber);
        Assert.Equal("7", ex.Value);
    }

    [Theory]
    [InlineData("a.csv")]
    [InlineData("a.tsv")]
    [InlineData("a.jsonl")]
    [InlineData("a.txt")]
    [InlineData("noext")]
    public void EmptyFile_IsAnError(string name)
    {
        var ex = ReadFails(Write(name, ""));

        Assert.Null(ex.LineNumber);
        Assert.Contains("empty", ex.Message);
    }

    [Fact]
    public void WhitespaceOnlyFile_IsAnError()
    {
        Assert.Contains("empty", ReadFails(Write("a.tsv", "\n  \n\n")).Message);
    }

    [Fact]
    public void HeaderOnly_IsAnError()
    {
        var ex = ReadFails(Write("a.tsv", "text\tlabel\n"));

        Assert.Contains("no examples", ex.Message);
    }

    [Fact]
    public void SingleColumn_IsAnError()
    {
        var ex = ReadFails(Write("a.csv", "just text\nmore text\n"));

        Assert.Equal(1, ex.LineNumber);
    }

    [Fact]
    public void EverythingSkipped_IsAnError()
    {
        var ex = ReadFails(Write("a.tsv", "text\tlabel\na\tnocode\n"), new DataReadOptions { SkipLabels = ["nocode"] });

        Assert.Contains("dropped", ex.Message);
    }
}
