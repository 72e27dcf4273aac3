using System.Runtime.InteropServices;
using FastBert.Models.Reports;

namespace FastBert.Models.Benchmarking;

/// <summary>The machine a report's figures come from.</summary>
public static class MachineDescription
{
    public static MachineInfo Current()
    {
        return new MachineInfo(
            RuntimeInformation.OSDescription,
            CpuName(),
            Environment.ProcessorCount,
            Environment.Version.ToString(),
            typeof(Microsoft.ML.OnnxRuntime.InferenceSession).Assembly.GetName().Version?.ToString() ?? "unknown");
    }

    private static string CpuName()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            if (line is not null)
            {
                return line[(line.IndexOf(':') + 1)..].Trim();
            }
        }
        catch (IOException)
        {
        }

        return RuntimeInformation.ProcessArchitecture.ToString();
    }
}
