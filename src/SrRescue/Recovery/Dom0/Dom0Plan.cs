namespace SrRescue.Recovery.Dom0;

/// <summary>Which script of the dom0 path a plan is.</summary>
public enum Dom0Step
{
    /// <summary>Step 1: the head of each device (label, metadata area) into a new capture.</summary>
    Head,

    /// <summary>Step 2: MGT and the structures of every VDI LV added to the capture.</summary>
    Capture,

    /// <summary>Step 3: the LVs of chosen VDIs, parents included, into one file each.</summary>
    Extract,

    /// <summary>Each device whole, for carving when no metadata maps the VDIs.</summary>
    Whole,
}

/// <summary>
/// A device as dom0 names it, its size when an earlier script measured it (the script refuses a
/// device of another size), and the capture file that holds its copied pieces.
/// </summary>
public sealed record Dom0Device(string Path, long? SizeBytes, string Capture);

/// <summary>One file the extraction writes: an LV's bytes (<see cref="SizeBytes"/>), read through <see cref="Seqno"/>'s metadata.</summary>
public sealed record Dom0File(string Name, string LvName, long SizeBytes, long Seqno, IReadOnlyList<DeviceRange> Ranges);

/// <summary>
/// What a dom0 script does: for <see cref="Dom0Step.Head"/> and <see cref="Dom0Step.Capture"/>,
/// ranges copied into the captures at their own offsets; for <see cref="Dom0Step.Extract"/>, files;
/// <see cref="Notes"/> say what the plan could not do or what to watch.
/// </summary>
public sealed record Dom0Plan(Dom0Step Step, IReadOnlyList<Dom0Device> Devices, IReadOnlyList<DeviceRange> CaptureRanges,
    IReadOnlyList<Dom0File> Files, string? Ssh, IReadOnlyList<string> Notes)
{
    /// <summary>Bytes the script reads from the devices (null for the whole-device copy, whose size the script measures).</summary>
    public long? CopyBytes => Step switch
    {
        Dom0Step.Whole => Devices.All(d => d.SizeBytes is not null) ? Devices.Sum(d => d.SizeBytes!.Value) : null,
        Dom0Step.Extract => Files.Sum(f => f.Ranges.Sum(r => r.LengthBytes)),
        _ => CaptureRanges.Sum(r => r.LengthBytes),
    };
}
