using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using FastBert.Tool.Extensions;

namespace FastBert.Tool;

/// <summary>
/// When fastbert started this process (<c>fastbert train</c>), it must not outlive it: a kill -9 of fastbert kills
/// the training too, as it did when training ran inside fastbert, so no orphan keeps writing the output folder.
/// </summary>
internal static class ParentProcessWatch
{
    private const int PrSetParentDeathSignal = 1; // PR_SET_PDEATHSIG
    private const int SigKill = 9;

    public static void Start()
    {
        if (!int.TryParse(Environment.GetEnvironmentVariable(ExtensionEnvironment.ParentVariable), NumberStyles.None, CultureInfo.InvariantCulture, out var parent))
        {
            return;
        }

        // Linux: the kernel sends SIGKILL the moment the parent dies. Only when fastbert is the direct parent (not when
        // `dotnet tool run` sits between them); the check after the call covers a parent that died just before it.
        if (OperatingSystem.IsLinux() && getppid() == parent)
        {
            if (prctl(PrSetParentDeathSignal, SigKill, 0, 0, 0) == 0)
            {
                if (getppid() != parent)
                {
                    Environment.Exit(137);
                }

                return;
            }
        }

        var watch = new Thread(() => ExitWhenGone(parent)) { IsBackground = true, Name = "fastbert parent watch" };
        watch.Start();
    }

    private static void ExitWhenGone(int parent)
    {
        try
        {
            using var process = Process.GetProcessById(parent);
            process.WaitForExit();
        }
        catch (ArgumentException)
        {
            // Already gone.
        }

        Environment.Exit(137);
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);

    [DllImport("libc")]
    private static extern int getppid();
}
