namespace FastBert;

/// <summary>Where the build puts prepared models.</summary>
public static class ModelDirectories
{
    /// <summary>The folder the build copies a manifest's model to: <c>&lt;app folder&gt;/fastbert/&lt;modelName&gt;</c>.</summary>
    public static string Default(string modelName)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelName);
        return Path.Combine(AppContext.BaseDirectory, "fastbert", modelName);
    }
}
