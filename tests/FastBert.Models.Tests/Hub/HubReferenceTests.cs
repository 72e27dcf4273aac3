using FastBert.Models.Hub;

namespace FastBert.Models.Tests.Hub;

public sealed class HubReferenceTests
{
    [Theory]
    [InlineData("hf:org/name@v1.0", "org/name", "v1.0", "org", "name")]
    [InlineData("hf:org/name", "org/name", "main", "org", "name")]
    [InlineData("hf:bert-base-uncased", "bert-base-uncased", "main", null, "bert-base-uncased")]
    [InlineData("hf:google-bert/bert_base.v2@refs/pr/1", "google-bert/bert_base.v2", "refs/pr/1", "google-bert", "bert_base.v2")]
    [InlineData("hf:org/name@0123456789abcdef0123456789abcdef01234567", "org/name", "0123456789abcdef0123456789abcdef01234567", "org", "name")]
    public void Parse_ReadsRepositoryAndRevision(string text, string repoId, string revision, string? organization, string name)
    {
        var reference = HubReference.Parse(text);

        Assert.Equal(repoId, reference.RepoId);
        Assert.Equal(revision, reference.Revision);
        Assert.Equal(organization, reference.Organization);
        Assert.Equal(name, reference.Name);
        Assert.Equal(reference, HubReference.Parse(reference.ToString()));
        Assert.True(HubReference.TryParse(text, out var again));
        Assert.Equal(reference, again);
    }

    [Theory]
    [InlineData("org/name", "must start with 'hf:'")]
    [InlineData("hf:", "repository id after 'hf:' is missing")]
    [InlineData("hf:org/name@", "revision after '@' is empty")]
    [InlineData("hf:@main", "repository id is empty")]
    [InlineData("hf:a/b/c", "more than one '/'")]
    [InlineData("hf:org/", "empty organisation or name")]
    [InlineData("hf:org/na me", "contains ' '")]
    [InlineData("hf:org/-name", "may not start or end")]
    [InlineData("hf:org/na--me", "may not contain '--'")]
    [InlineData("hf:org/name@../main", "not a valid branch")]
    [InlineData("hf:org/name@ma in", "contains")]
    [InlineData("hf:org/name@a@b", "contains '@'")]
    public void Parse_RejectsInvalidText_SayingWhy(string text, string expected)
    {
        var failure = Assert.Throws<FormatException>(() => HubReference.Parse(text));

        Assert.Contains(expected, failure.Message);
        Assert.Contains($"'{text}'", failure.Message);
        Assert.False(HubReference.TryParse(text, out var reference));
        Assert.Null(reference);
    }

    [Fact]
    public void CacheFolderName_MatchesHuggingFaceHub()
    {
        Assert.Equal("models--org--name", HubReference.Parse("hf:org/name@dev").CacheFolderName);
        Assert.Equal("models--gpt2", HubReference.Parse("hf:gpt2").CacheFolderName);
    }

    [Fact]
    public void CommitRevisions_AreRecognised()
    {
        Assert.True(HubReference.Parse("hf:o/n@0123456789abcdef0123456789abcdef01234567").IsCommitRevision);
        Assert.False(HubReference.Parse("hf:o/n@main").IsCommitRevision);
        Assert.False(HubReference.IsCommitSha("0123456789ABCDEF0123456789abcdef01234567"));
        Assert.True(HubReference.IsHubReference("hf:x"));
        Assert.False(HubReference.IsHubReference("./models/x"));
    }
}
