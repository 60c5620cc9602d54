namespace SrRescue.Tests.Support;

/// <summary>
/// A loop device over an image file this test created or extracted; always detached on dispose.
/// Read-only unless asked. Needs root (CI runs as root).
/// </summary>
internal sealed class LoopDevice : IDisposable
{
    private LoopDevice(string path) => Path = path;

    public string Path { get; }

    public static LoopDevice Attach(string image, bool readOnly)
    {
        var losetup = ExternalTool.Require("losetup", "mount");
        var args = readOnly ? new[] { "-r", "-f", "--show", image } : ["-f", "--show", image];
        var r = ExternalTool.RunChecked(losetup, args);
        return new LoopDevice(r.StdOut.Trim());
    }

    public void Dispose() => ExternalTool.Run("losetup", ["-d", Path]);
}
