using FastBert.Tests;

namespace FastBert.Sdk.Tests;

/// <summary>How ONNX Runtime's worker threads wait: the options reach the model and a bad value is refused up front.</summary>
public sealed class ThreadingOptionsTests
{
    [Fact]
    public void NegativeSpinMicroseconds_IsRefusedBeforeAnythingLoads()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => BertModel.Load(TestPaths.SmsModel, new BertModelOptions { SpinMicroseconds = -1 }));

        Assert.Contains("SpinMicroseconds must be 0 (never spin) or more", error.Message);
    }

    [Fact]
    public void ClassifierOptions_CarryTheSpinSettings_AndEverySettingGivesTheSameLogits()
    {
        var copied = new BertModelOptions(new BertClassifierOptions { SpinMicroseconds = 0, AllowSpinning = true });
        Assert.Equal(0, copied.SpinMicroseconds);
        Assert.True(copied.AllowSpinning);
        Assert.Equal(20, new BertClassifierOptions().SpinMicroseconds);
        Assert.Equal(20, new BertModelOptions().SpinMicroseconds);
        Assert.False(new BertModelOptions().AllowSpinning);

        var golden = GoldenExample.Load(TestPaths.SmsModel)[0];
        using var bounded = BertModel.Load(TestPaths.SmsModel);
        using var never = BertModel.Load(TestPaths.SmsModel, new BertModelOptions { SpinMicroseconds = 0 });
        using var unbounded = BertModel.Load(TestPaths.SmsModel, new BertModelOptions { AllowSpinning = true });
        Assert.Equal(never.Classify(golden.Text).Logits, bounded.Classify(golden.Text).Logits);
        Assert.Equal(never.Classify(golden.Text).Logits, unbounded.Classify(golden.Text).Logits);
    }
}
