using FastBert.Manifest;

namespace FastBert.Generator.Tests;

public sealed class ManifestModelEqualityTests
{
    private const string Text = "classifier: SpamClassifier\nmodel: { source: model/ }\nlabels: [ham, spam]\ntokenizer: { maxTokens: 64, lowercase: true }\n";

    [Fact]
    public void ParsingTheSameTextTwice_GivesEqualModels_WithEqualHashCodes()
    {
        var first = ManifestParser.Parse("/m/spam.yaml", Text, "Contoso");
        var second = ManifestParser.Parse("/m/spam.yaml", string.Concat(Text.AsSpan(0, 4), Text.AsSpan(4)), "Contoso");

        Assert.NotSame(first, second);
        Assert.Equal(first, second);
        Assert.Equal(first.GetHashCode(), second.GetHashCode());
        Assert.Equal(first.Manifest, second.Manifest);
        Assert.Equal(first.Manifest!.Labels.GetHashCode(), second.Manifest!.Labels.GetHashCode());
    }

    [Fact]
    public void ChangingOneLabel_MakesTheModelsUnequal()
    {
        var first = ManifestParser.Parse("/m/spam.yaml", Text, "Contoso");
        var second = ManifestParser.Parse("/m/spam.yaml", Text.Replace("spam]", "junk]", StringComparison.Ordinal), "Contoso");

        Assert.NotEqual(first.Manifest, second.Manifest);
        Assert.NotEqual(first.Manifest!.Labels, second.Manifest!.Labels);
    }

    [Fact]
    public void ResultsWithDiagnostics_CompareByValue()
    {
        var first = ManifestParser.Parse("/m/spam.yaml", "lables: [a]\n", null);
        var second = ManifestParser.Parse("/m/spam.yaml", "lables: [a]\n", null);

        Assert.False(first.Success);
        Assert.Equal(first, second);
        Assert.Equal(first.GetHashCode(), second.GetHashCode());
    }

    [Fact]
    public void EquatableArray_ComparesItemsInOrder()
    {
        var a = EquatableArray.Create("x", "y");
        var b = new[] { "x", "y" }.ToEquatableArray();
        var reversed = EquatableArray.Create("y", "x");

        Assert.True(a == b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.True(a != reversed);
        Assert.Equal(default(EquatableArray<string>), EquatableArray.Create<string>());
        Assert.Empty(default(EquatableArray<string>));
    }

    [Fact]
    public void EquatableArray_IsACopy_SoLaterChangesToTheSourceDoNotLeak()
    {
        var source = new[] { "x", "y" };
        var array = source.ToEquatableArray();

        source[0] = "changed";

        Assert.Equal("x", array[0]);
    }
}
