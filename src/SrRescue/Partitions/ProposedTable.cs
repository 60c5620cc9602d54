using SrRescue.Io;

namespace SrRescue.Partitions;

/// <summary>
/// The table SrRescue proposes to put back. <see cref="Kind"/>: <c>intact</c> (nothing to write),
/// <c>gpt-from-backup</c> / <c>gpt-from-primary</c> (the original layout, rebuilt from the copy that
/// survives), <c>gpt-minimal</c> (a new GPT with one Linux LVM partition per PV found),
/// <c>manual</c> (an MBR table none of whose partitions holds the PV: srrescue does not write MBR tables),
/// <c>whole-disk-pv</c> (the PV starts at byte 0: a SAN SR needs no table), <c>none</c> (nothing to base a table on).
/// </summary>
public sealed record ProposedTable(
    string Kind,
    string Reason,
    int SectorSize,
    Guid DiskGuid,
    ulong FirstUsableLba,
    ulong LastUsableLba,
    IReadOnlyList<GptEntry> Entries,
    IReadOnlyList<SectorPatch> Patches)
{
    public const string SrPartitionName = "localsr";

    /// <summary>XenServer's installer puts the local SR in partition 3 (1 root, 2 backup root, 3 SR, 4 EFI, 5 logs, 6 swap).</summary>
    public const int SrPartitionNumber = 3;

    public bool HasChanges => Patches.Count > 0;

    /// <summary>
    /// The arguments of one sgdisk run that creates the same table on DEVICE (<c>-o</c> starts a new
    /// table, <c>-a 1</c> keeps sgdisk from moving the start to its 2048-sector alignment). Null
    /// when there is nothing to write.
    /// </summary>
    public IReadOnlyList<string>? SgdiskArguments(string device)
    {
        if (!HasChanges || Entries.Count == 0)
        {
            return null;
        }

        var args = new List<string> { "-o", "-U", DiskGuid.ToString("D").ToUpperInvariant(), "-a", "1" };
        foreach (var e in Entries)
        {
            var type = e.TypeGuid == GptEntry.LinuxLvm ? "8E00" : e.TypeGuid.ToString("D").ToUpperInvariant();
            args.AddRange(["-n", $"{e.Number}:{e.FirstLba}:{e.LastLba}", "-t", $"{e.Number}:{type}", "-u", $"{e.Number}:{e.UniqueGuid.ToString("D").ToUpperInvariant()}"]);
            if (e.Name.Length > 0)
            {
                args.AddRange(["-c", $"{e.Number}:{e.Name}"]);
            }
        }

        args.Add(device);
        return args;
    }
}
