using FastBert.Models.Hub;

namespace FastBert.Models.Tests.Hub;

/// <summary>Option resolution against a fake environment (the process environment is never changed).</summary>
public sealed class HubOptionsTests
{
    private static readonly string Home = Path.Combine(Path.GetTempPath(), "fastbert-hub-home-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void Defaults_AreTheHubAndTheUsersCache()
    {
        var resolved = new HubOptions().Resolve(Environment(("HOME", Home)));

        Assert.Equal("https://huggingface.co", resolved.Endpoint);
        Assert.Null(resolved.Token);
        Assert.False(resolved.Offline);
        Assert.Equal(Path.Combine(Home, ".cache", "huggingface", "hub"), resolved.CacheDirectory);
    }

    [Fact]
    public void CacheDirectory_FollowsHfHubCache_ThenHfHome_ThenXdg()
    {
        Assert.Equal(Path.GetFullPath("/c/hub-cache"),
            new HubOptions().Resolve(Environment(("HF_HUB_CACHE", "/c/hub-cache"), ("HF_HOME", "/c/home"), ("HOME", Home))).CacheDirectory);
        Assert.Equal(Path.GetFullPath("/c/home/hub"),
            new HubOptions().Resolve(Environment(("HF_HOME", "/c/home"), ("XDG_CACHE_HOME", "/c/xdg"), ("HOME", Home))).CacheDirectory);
        Assert.Equal(Path.GetFullPath("/c/xdg/huggingface/hub"),
            new HubOptions().Resolve(Environment(("XDG_CACHE_HOME", "/c/xdg"), ("HOME", Home))).CacheDirectory);
        Assert.Equal(Path.GetFullPath("/c/option"),
            new HubOptions { CacheDirectory = "/c/option" }.Resolve(Environment(("HF_HUB_CACHE", "/c/hub-cache"))).CacheDirectory);
    }

    [Theory]
    [InlineData("1", true)]
    [InlineData("true", true)]
    [InlineData("YES", true)]
    [InlineData("on", true)]
    [InlineData("0", false)]
    [InlineData("", false)]
    public void HfHubOffline_IsReadLikeHuggingFaceHub(string value, bool offline)
    {
        Assert.Equal(offline, new HubOptions().Resolve(Environment(("HF_HUB_OFFLINE", value), ("HOME", Home))).Offline);
        Assert.False(new HubOptions { Offline = false }.Resolve(Environment(("HF_HUB_OFFLINE", value), ("HOME", Home))).Offline);
    }

    [Fact]
    public void EndpointAndToken_ComeFromTheEnvironment_UnlessGiven()
    {
        var environment = Environment(("HF_ENDPOINT", "http://mirror.local:8080/"), ("HF_TOKEN", "hf_env"), ("HOME", Home));

        var fromEnvironment = new HubOptions().Resolve(environment);
        Assert.Equal("http://mirror.local:8080", fromEnvironment.Endpoint);
        Assert.Equal("hf_env", fromEnvironment.Token);
        Assert.DoesNotContain("hf_env", fromEnvironment.ToString());

        var given = new HubOptions { Endpoint = "http://127.0.0.1:1", Token = "" }.Resolve(environment);
        Assert.Equal("http://127.0.0.1:1", given.Endpoint);
        Assert.Null(given.Token);
    }

    [Fact]
    public void Token_FallsBackToTheTokenFile()
    {
        var hfHome = Path.Combine(Path.GetTempPath(), "fastbert-hub-hfhome-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(hfHome);
        try
        {
            File.WriteAllText(Path.Combine(hfHome, "token"), "hf_from_file\n");

            Assert.Equal("hf_from_file", new HubOptions().Resolve(Environment(("HF_HOME", hfHome))).Token);
        }
        finally
        {
            Directory.Delete(hfHome, recursive: true);
        }
    }

    [Fact]
    public void InvalidEndpoint_IsRejected()
    {
        var failure = Assert.Throws<ArgumentException>(() => new HubOptions { Endpoint = "huggingface.co" }.Resolve(Environment()));
        Assert.Contains("HF_ENDPOINT", failure.Message);
    }

    [Fact]
    public void Timeouts_DefaultToTenSeconds_AndFollowTheHuggingFaceHubVariables()
    {
        var defaults = new HubOptions().Resolve(Environment(("HOME", Home)));
        Assert.Equal(TimeSpan.FromSeconds(10), defaults.MetadataTimeout);
        Assert.Equal(TimeSpan.FromSeconds(10), defaults.ReadTimeout);

        var environment = Environment(("HF_HUB_ETAG_TIMEOUT", " 2.5 "), ("HF_HUB_DOWNLOAD_TIMEOUT", "45"), ("HOME", Home));
        var fromEnvironment = new HubOptions().Resolve(environment);
        Assert.Equal(TimeSpan.FromSeconds(2.5), fromEnvironment.MetadataTimeout);
        Assert.Equal(TimeSpan.FromSeconds(45), fromEnvironment.ReadTimeout);

        var given = new HubOptions { MetadataTimeout = TimeSpan.FromSeconds(3), ReadTimeout = TimeSpan.FromSeconds(4) }.Resolve(environment);
        Assert.Equal(TimeSpan.FromSeconds(3), given.MetadataTimeout);
        Assert.Equal(TimeSpan.FromSeconds(4), given.ReadTimeout);
    }

    [Theory]
    [InlineData("HF_HUB_ETAG_TIMEOUT", "abc")]
    [InlineData("HF_HUB_ETAG_TIMEOUT", "0")]
    [InlineData("HF_HUB_DOWNLOAD_TIMEOUT", "-5")]
    [InlineData("HF_HUB_DOWNLOAD_TIMEOUT", "NaN")]
    [InlineData("HF_HUB_DOWNLOAD_TIMEOUT", "10s")]
    [InlineData("HF_HUB_ETAG_TIMEOUT", "1e12")]
    public void InvalidTimeoutVariable_IsAHubErrorNamingTheVariableAndTheValue(string variable, string value)
    {
        var failure = Assert.Throws<HubException>(() => new HubOptions().Resolve(Environment((variable, value), ("HOME", Home))));

        Assert.Contains($"{variable}='{value}'", failure.Message);
        Assert.Contains("seconds", failure.Message);
    }

    private static Func<string, string?> Environment(params (string Name, string Value)[] variables)
    {
        var map = variables.ToDictionary(v => v.Name, v => v.Value);
        return name => map.GetValueOrDefault(name);
    }
}
