using System.Reflection;
using System.Runtime.CompilerServices;

namespace FastBert.Tool.Tests;

/// <summary>
/// The repository's build of the fastbert-train extension is the one installed for these tests: fastbert (in-process
/// and the real processes the tests start, which inherit the variable) finds it through FASTBERT_TRAIN_TOOL.
/// </summary>
internal static class TrainExtensionSetup
{
    public const string Variable = "FASTBERT_TRAIN_TOOL";

    public static string BuiltExtension { get; } = typeof(TrainExtensionSetup).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "FastBertTrainTool").Value!;

#pragma warning disable CA2255 // A test assembly: the variable must be set before any test runs fastbert.
    [ModuleInitializer]
    internal static void UseTheBuiltExtension()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(Variable)))
        {
            Environment.SetEnvironmentVariable(Variable, BuiltExtension);
        }
    }
#pragma warning restore CA2255
}
