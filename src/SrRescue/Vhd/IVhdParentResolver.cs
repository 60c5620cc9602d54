using SrRescue.Diagnostics;
using SrRescue.Io;

namespace SrRescue.Vhd;

/// <summary>Finds the bytes of a differencing VHD's parent: a file beside it, an LV of the same VG.</summary>
public interface IVhdParentResolver
{
    /// <summary>The parent's raw bytes (a VHD, or a raw volume when the child's parent UUID is empty), or null.</summary>
    ResolvedParent? Resolve(VhdImage child, FindingLog log);
}

/// <summary>A parent found, with what it is called (a path, an LV name) and which footer states are normal where it lives.</summary>
public sealed record ResolvedParent(IByteSource Source, string Name, FooterPolicy Footers);
