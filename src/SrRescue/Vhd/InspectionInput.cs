using SrRescue.Diagnostics;
using SrRescue.Io;

namespace SrRescue.Vhd;

/// <summary>
/// What every stage of <see cref="VhdChecker"/> is given: the VHD's bytes, what to check, and the
/// log its findings go to (capped per code, flushed once the last stage is done).
/// </summary>
internal sealed record InspectionInput(IByteSource Source, VhdCheckOptions Options, CappedFindings Log)
{
    public long LengthBytes { get; } = Source.Length;

    public string Name => Source.Name;
}
