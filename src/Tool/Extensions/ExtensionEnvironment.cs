namespace FastBert.Tool.Extensions;

/// <summary>What fastbert tells an extension it starts (compiled into fastbert and into each extension).</summary>
internal static class ExtensionEnvironment
{
    /// <summary>The pid of the fastbert that started the extension, so that the extension dies with it.</summary>
    public const string ParentVariable = "FASTBERT_PARENT_PID";

    /// <summary>That fastbert's version, so that an extension of another version can say so.</summary>
    public const string CoreVersionVariable = "FASTBERT_CORE_VERSION";
}
