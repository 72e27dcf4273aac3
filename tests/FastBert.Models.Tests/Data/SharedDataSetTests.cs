using FastBert.Models.Data;
using FastBert.Tests;

namespace FastBert.Models.Tests.Data;

/// <summary>The shared data sets (../shared/assets/data) read as they are, with the counts their PROVENANCE gives.</summary>
public sealed class SharedDataSetTests
{
    private static readonly string[] SmsLabels = ["ham", "spam"];
    private static readonly string[] EmotionLabels = ["sadness", "joy", "love", "anger", "fear", "surprise"];
    private static readonly string[] SstLabels = ["negative", "positive"];
    private static readonly string[] SmileLabels = ["happy", "not-relevant", "angry", "surprise", "sad", "disgust"];

    private static string DataFile(params string[] parts) => Path.Combine([TestPaths.Data, .. parts]);

    [Fact]
    public void SmsSpamCollection_WithoutExtension_ReadsAllMessagesAfterItsHeader()
    {
        var data = LabelledDataReader.Read(DataFile("sms-spam", "SMSSpamCollection"), DataReadOptions.Default, SmsLabels);

        Assert.Equal(5574, data.Count);
        Assert.Equal([4827, 747], data.CountByLabel(2));
        var first = data.Examples[0];
        Assert.Equal(2, first.LineNumber); // line 1 is the header "Label<TAB>SMS"
        Assert.Equal(0, first.Label);
        Assert.StartsWith("Go until jurong point, crazy..", first.Text);
        Assert.Equal(1, data.Examples[2].Label);
        Assert.Equal(0, data.SkippedRows);
    }

    [Fact]
    public void SmsHeldOutIndices_Select1114MessagesWithTheProvenanceClassSplit()
    {
        var data = LabelledDataReader.Read(DataFile("sms-spam", "SMSSpamCollection"), DataReadOptions.Default, SmsLabels);

        var indices = LabelledDataReader.ReadIndices(DataFile("sms-spam", "sms_test_indices.txt"));
        var heldOut = data.SelectFromIndexFile(DataFile("sms-spam", "sms_test_indices.txt"));

        Assert.Equal(1114, indices.Count);
        Assert.Equal(1114, heldOut.Count);
        Assert.Equal([965, 149], heldOut.CountByLabel(2));
        Assert.Equal(data.Examples[indices[0]], heldOut.Examples[0]);
        Assert.Equal(data.Select(indices).Examples, heldOut.Examples);
    }

    [Fact]
    public void SmsHeldOut_MatchesTheSharedTestHelper()
    {
        var data = LabelledDataReader.Read(DataFile("sms-spam", "SMSSpamCollection"), DataReadOptions.Default, SmsLabels)
            .SelectFromIndexFile(DataFile("sms-spam", "sms_test_indices.txt"));
        var expected = SmsData.HeldOut();

        Assert.Equal(expected.Select(e => e.Text), data.Texts);
        Assert.Equal(expected.Select(e => e.Label), data.Labels.Select(l => SmsLabels[l]));
    }

    [Theory]
    [InlineData("train.txt", 16000, new[] { 4666, 5362, 1304, 2159, 1937, 572 })]
    [InlineData("val.txt", 2000, new[] { 550, 704, 178, 275, 212, 81 })]
    [InlineData("test.txt", 2000, new[] { 581, 695, 159, 275, 224, 66 })]
    public void EmotionSplits_SemicolonTextWithHeader_ReadWithTheirLabelCounts(string file, int count, int[] perLabel)
    {
        var data = LabelledDataReader.Read(DataFile("emotion", file), DataReadOptions.Default, EmotionLabels);

        Assert.Equal(count, data.Count);
        Assert.Equal(perLabel, data.CountByLabel(6));
        Assert.All(data.Examples, e => Assert.DoesNotContain(';', e.Text));
    }

    [Fact]
    public void EmotionTest_FirstExampleIsTextThenLabelName()
    {
        var data = LabelledDataReader.Read(DataFile("emotion", "test.txt"), DataReadOptions.Default, EmotionLabels);

        Assert.Equal(new LabelledExample(2, "im feeling rather rotten so im not very ambitious right now", 0), data.Examples[0]);
    }

    [Fact]
    public void Sst2Dev_IntegerLabelsAfterHeader_872With444Positive()
    {
        var data = LabelledDataReader.Read(DataFile("sst2", "dev.tsv"), DataReadOptions.Default, SstLabels);

        Assert.Equal(872, data.Count);
        Assert.Equal([428, 444], data.CountByLabel(2));
        Assert.Equal("it 's a charming and often affecting journey . ", data.Examples[0].Text); // kept as written
        Assert.Equal(1, data.Examples[0].Label);
    }

    [Fact]
    public void Sst2Train_Reads67349Sentences()
    {
        var data = LabelledDataReader.Read(DataFile("sst2", "train.tsv"), DataReadOptions.Default, SstLabels);

        Assert.Equal(67349, data.Count);
        Assert.Equal([29780, 37569], data.CountByLabel(2));
    }

    [Fact]
    public void Smile_DroppingNocodeAndMultiLabel_Keeps1463Tweets()
    {
        var options = new DataReadOptions { SkipLabels = ["nocode"], DropMultiLabel = true };

        var data = LabelledDataReader.Read(DataFile("smile", "smile-annotations-final.csv"), options, SmileLabels);

        // PROVENANCE: 3049 rows = 1554 nocode + 32 multi-label + 1123 happy + 211 not-relevant + 56 angry
        // + 35 surprise + 32 sad + 6 disgust.
        Assert.Equal(1463, data.Count);
        Assert.Equal(1554 + 32, data.SkippedRows);
        Assert.Equal([1123, 211, 56, 35, 32, 6], data.CountByLabel(6));
        // No header: the first row is data; the text column is the tweet (the id column is shorter).
        Assert.Equal(1, data.Examples[0].LineNumber);
        Assert.StartsWith("@stiveshouse @MillenniumArt", data.Examples[0].Text);
    }

    [Fact]
    public void Smile_QuotedTweets_LoseTheirQuotes()
    {
        var options = new DataReadOptions { SkipLabels = ["nocode"], DropMultiLabel = true };

        var data = LabelledDataReader.Read(DataFile("smile", "smile-annotations-final.csv"), options, SmileLabels);

        var line14 = Assert.Single(data.Examples, e => e.LineNumber == 14);
        Assert.StartsWith("@laiyaharvey thank you for the favourite, following you back", line14.Text);
        Assert.EndsWith("#DefeatingDepression @RAMMuseum", line14.Text);
    }

    [Fact]
    public void Smile_ByDefault_NocodeIsAnUnknownLabel()
    {
        var ex = Assert.Throws<UnknownLabelException>(() => LabelledDataReader.Read(
            DataFile("smile", "smile-annotations-final.csv"), DataReadOptions.Default, SmileLabels));

        Assert.Equal(4, ex.LineNumber); // the first nocode row
        Assert.Equal("nocode", ex.Value);
    }
}
