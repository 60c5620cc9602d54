using SrRescue.Cli.Output;
using SrRescue.Vhd;

namespace SrRescue.Cli.Commands.Vhd;

/// <summary>The text of `vhd info`, for people.</summary>
internal static class VhdInfoText
{
    public static void Write(TextWriter o, VhdImage image, VhdChain chain, IReadOnlyList<string> parentNames)
    {
        var f = image.Footer;
        o.WriteLine($"{image.Name}: {f.DiskType.ToString().ToLowerInvariant()} VHD, virtual size {Units.Bytes(image.VirtualSizeBytes)} ({image.VirtualSizeBytes} bytes), file {Units.Bytes(image.Source.Length)}");
        o.WriteLine($"  uuid {f.Uuid}{(image.IsHidden ? ", HIDDEN (a base copy)" : "")}, created {f.CreatedUtc:yyyy-MM-dd HH:mm:ss}Z by '{f.CreatorApp.TrimEnd('\0')}' {f.CreatorVersion >> 16}.{f.CreatorVersion & 0xFFFF}");
        o.WriteLine($"  geometry {f.Geometry >> 16}/{(f.Geometry >> 8) & 0xFF}/{f.Geometry & 0xFF}, features {f.Features:x8}, data offset {(f.DataOffset == VhdFooter.NoDataOffset ? "none (fixed VHD)" : f.DataOffset.ToString())}");
        o.WriteLine($"  footer at the end: {State(image.PrimaryFooter)}; copy at offset 0: {(image.DiskType == VhdDiskType.Fixed ? "none (fixed disk)" : State(image.BackupFooter))}");
        if (image.Header is { } h)
        {
            o.WriteLine($"  header: BAT at byte {h.TableOffset}, {h.MaxTableEntries} entries, blocks of {Units.Bytes(h.BlockSizeBytes)}, checksum {(h.ChecksumMatches ? "ok" : "WRONG")}");
            o.WriteLine($"  blocks: {image.AllocatedBlocks} of {image.Bat.Count} allocated, data ends at byte {image.EndOfDataBytes}");
            if (image.BatmapHeader is { } b)
            {
                o.WriteLine($"  batmap: at byte {b.BatmapOffset}, {b.BatmapSectors} sectors, version {b.Version >> 16}.{b.Version & 0xFFFF}, checksum {(image.BatmapValid ? "ok" : "WRONG")}{(b.IsEncrypted ? ", ENCRYPTED" : "")}");
            }

            if (f.DiskType == VhdDiskType.Differencing)
            {
                o.WriteLine($"  parent: uuid {h.ParentUuid}, name '{h.ParentName}'");
                foreach (var l in h.Locators.Where(l => l.IsUsed))
                {
                    o.WriteLine($"    locator {l.CodeName} at byte {l.DataOffset}, {l.DataLength} bytes");
                }

                foreach (var n in parentNames.Distinct(StringComparer.Ordinal))
                {
                    o.WriteLine($"    names the parent as {n}");
                }
            }
        }

        o.WriteLine($"  chain ({chain.Depth} {(chain.Depth == 1 ? "member" : "members")}{(chain.IsComplete ? "" : ", INCOMPLETE")}):");
        for (var i = 0; i < chain.Members.Count; i++)
        {
            var m = chain.Members[i];
            o.WriteLine($"    {new string(' ', i * 2)}{Path.GetFileName(chain.MemberNames[i])}  {m.DiskType.ToString().ToLowerInvariant()}, uuid {m.Uuid}{(m.IsHidden ? ", hidden" : "")}");
        }

        if (chain.MissingParent is { } missing)
        {
            o.WriteLine($"    {new string(' ', chain.Members.Count * 2)}MISSING: {missing}");
        }
    }

    private static string State(VhdFooter? f) =>
        f is null ? "MISSING" : f.IsPoisoned ? "v_poison (interrupted resize)" : f.ChecksumMatches || f.ChecksumMatchesWithoutHidden ? "ok" : "CHECKSUM WRONG";
}
