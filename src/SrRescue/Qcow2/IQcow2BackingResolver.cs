using SrRescue.Diagnostics;
using SrRescue.Io;

namespace SrRescue.Qcow2;

/// <summary>Finds the backing file a QCOW2 image names: a file beside it, an LV of the same VG.</summary>
public interface IQcow2BackingResolver
{
    /// <summary>
    /// The backing file's bytes, or null when it cannot be found. A source that starts with the
    /// QCOW2 magic (and whose format the child does not say is raw) is opened as the next image of
    /// the chain; any other source is read as the disk below as it is (a raw file, or a virtual disk
    /// the caller already assembled, such as a VHD chain).
    /// </summary>
    ResolvedBacking? Resolve(Qcow2Image child, FindingLog log);
}

/// <summary>A backing file found, with what it is called (a path, an LV name).</summary>
public sealed record ResolvedBacking(IByteSource Source, string Name);
