using FastBert.Generator.Tests.Infrastructure;
using FastBert.Manifest;

namespace FastBert.Generator.Tests;

/// <summary><c>input: pair</c> / <c>inputs: [premise, hypothesis]</c>: parsed into named parts, and each mistake by id at its span.</summary>
public sealed class PairInputManifestTests
{
    private const string Head = "model: { source: m }\nlabels: [entailment, neutral, contradiction]\n";

    [Fact]
    public void NoInputKey_IsOneTextPerCall()
    {
        Assert.Null(Parse(Head).Pair);
        Assert.Null(Parse(Head + "input: single\n").Pair);
    }

    [Fact]
    public void InputPair_NamesThePartsTextAndTextPair()
    {
        const string Text = Head + "input: pair\n";

        var pair = Parse(Text).Pair!;

        Assert.Equal(("text", "text", "texts"), (pair.First.Name, pair.First.ParameterName, pair.First.BatchParameterName));
        Assert.Equal(("textPair", "textPair", "textPairs"), (pair.Second.Name, pair.Second.ParameterName, pair.Second.BatchParameterName));
        Assert.Equal("pair", Text.Substring(pair.Span.StartIndex, pair.Span.Length));
    }

    [Fact]
    public void Inputs_NameTheParts_InOrder_WithTheirSpans()
    {
        const string Text = Head + "inputs: [premise, hypothesis]\n";

        var pair = Parse(Text).Pair!;

        Assert.Equal(("premise", "premise", "premises"), (pair.First.Name, pair.First.ParameterName, pair.First.BatchParameterName));
        Assert.Equal(("hypothesis", "hypothesis", "hypotheses"), (pair.Second.Name, pair.Second.ParameterName, pair.Second.BatchParameterName));
        Assert.Equal("hypothesis", Text.Substring(pair.Second.Span.StartIndex, pair.Second.Span.Length));

        var block = Parse(Head + "input: pair\ninputs:\n  - premise\n  - hypothesis\n").Pair!;
        Assert.Equal(("premise", "hypothesis"), (block.First.ParameterName, block.Second.ParameterName));
    }

    [Theory]
    [InlineData("question_1", "question1", "questions1")]
    [InlineData("Sentence 2", "sentence2", "sentences2")]
    [InlineData("search-query", "searchQuery", "searchQueries")]
    [InlineData("URLPath", "urlPath", "urlPaths")]
    [InlineData("passage", "passage", "passages")]
    [InlineData("class", "class", "classes")]
    [InlineData("key", "key", "keys")]
    [InlineData("box", "box", "boxes")]
    public void PartNames_AreCamelCased_AndPluralisedForBatches(string name, string parameter, string batch)
    {
        var pair = Parse(Head + "inputs: [\"" + name + "\", other]\n").Pair!;

        Assert.Equal((parameter, batch), (pair.First.ParameterName, pair.First.BatchParameterName));
    }

    [Theory]
    [InlineData("inputs: [|[premise]|]\n", "names 1 part,")]
    [InlineData("inputs: [|[a, b, c]|]\n", "names 3 parts")]
    [InlineData("inputs: [|[]|]\n", "names 0 parts")]
    [InlineData("inputs: [premise, [|1st|]]\n", "not a valid C# identifier")]
    [InlineData("inputs: [[|\"+\"|], premise]\n", "has no letters or digits")]
    [InlineData("inputs: [premise, [|Premise|]]\n", "both become the parameter 'premise'")]
    [InlineData("inputs: [basis, [|base|]]\n", "both become the parameter 'bases'")]
    [InlineData("inputs: [query, [|cancellation_token|]]\n", "async methods already use")]
    [InlineData("input: [|single|]\ninputs: [premise, hypothesis]\n", "'input: single' classifies one text")]
    public void BadInputs_AreInvalidInputs_AtTheirSpan(string inputs, string message)
    {
        var diagnostic = DiagnosticAssert.Single(ManifestDiagnosticIds.InvalidInputs, Head + inputs);

        Assert.Contains(message, diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("input: [|triple|]\n", "single or pair")]
    [InlineData("input: [|[pair]|]\n", "single or pair")]
    [InlineData("inputs: [|premise|]\n", "a list of the two parts")]
    [InlineData("inputs: [premise, [|{ a: b }|]]\n", "a part name")]
    public void InputsOfTheWrongShape_AreWrongType(string inputs, string message)
    {
        var diagnostic = DiagnosticAssert.Single(ManifestDiagnosticIds.WrongType, Head + inputs);

        Assert.Contains(message, diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void AMisspeltInputsKey_SuggestsInputs()
    {
        var diagnostic = DiagnosticAssert.Single(ManifestDiagnosticIds.UnknownKey, Head + "[|inptus|]: [premise, hypothesis]\n");

        Assert.Contains("Did you mean 'inputs'?", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    private static ClassifierManifest Parse(string text)
    {
        var result = ManifestParser.Parse("/src/App/nli.yaml", text, null);
        Assert.True(result.Success, string.Join(Environment.NewLine, result.Diagnostics));
        return result.Manifest!;
    }
}
