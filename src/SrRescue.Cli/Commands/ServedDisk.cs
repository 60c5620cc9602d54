using SrRescue.Cli.Output;
using SrRescue.Diagnostics;
using SrRescue.Io;
using SrRescue.Lvm;
using SrRescue.Qcow2;
using SrRescue.Vhd;
using SrRescue.Xen;

namespace SrRescue.Cli.Commands;

/// <summary>
/// What `serve` serves: a VDI of the SR read through its chain (the disk `export --vdi` writes),
/// an LV's bytes as stored, a VDI carved in memory, or a VHD or QCOW2 file with its chain. It holds
/// what must stay open while clients read (the image file, the parents' resolver).
/// </summary>
/// <param name="Kind">vdi, lv, carved, vhd-file or qcow2-file.</param>
/// <param name="Name">The export name: the VDI uuid, the LV name or the file's name.</param>
/// <param name="Chain">The images read, leaf first (one for an LV or a single image).</param>
internal sealed record ServedDisk(string Kind, string Name, string Description, IByteSource Disk, IReadOnlyList<string> Chain, string? MissingParent,
    long? Seqno, IDisposable? Keep) : IDisposable
{
    /// <summary>A VDI (its virtual disk) or an LV (its bytes as stored) of the SR, removed ones through --seqno or the newest copy that has them.</summary>
    public static ServedDisk FromSr(LvmInspection lvm, string? lv, string? vdi, long? seqno, bool allowMissing)
    {
        var volumes = new SrVolumes(lvm);
        var (lvName, version, volume) = ExportSource.Locate(volumes, lvm, lv, vdi, seqno);
        var source = ExportSource.Open(volumes, lvName, volume, asStored: lv is not null, lvm.Findings);
        StopOnMissing(source.MissingParent, lvName, allowMissing, lvm.Findings);
        var what = lv is not null ? $"the LV {lvName} as stored" : $"VDI {LvName.Parse(lvName).VdiUuid} ({lvName}{(source.Members.Count > 1 ? $", a chain of {source.Members.Count}" : "")})";
        return new ServedDisk(lv is not null ? "lv" : "vdi", lv ?? LvName.Parse(lvName).VdiUuid ?? lvName, $"{what}, read through metadata seqno {version.Seqno}",
            source.Disk, source.Members, source.MissingParent, version.Seqno, null);
    }

    /// <summary>A VDI carved from the sources in memory (what `carve` would write for it), found by its uuid.</summary>
    public static ServedDisk FromCarve(CliContext ctx, LvmInspection lvm, string uuid, bool allowMissing)
    {
        var wanted = uuid.Trim().ToLowerInvariant();
        var result = CarveCommand.CarveAll(lvm, new ProgressBar(ctx));
        var log = lvm.Findings;
        if (result.Vdis.FirstOrDefault(v => v.VdiUuid == wanted) is { } vhd)
        {
            var chain = result.OpenChain(vhd, log);
            return Carved(vhd.LvName, chain.Disk, chain.MemberNames, chain.MissingParent, allowMissing, log);
        }

        if (result.Qcow2Vdis.FirstOrDefault(v => v.VdiUuid == wanted) is { } qcow2)
        {
            var chain = result.OpenChain(qcow2, log);
            return Carved(qcow2.LvName, chain.Disk, chain.MemberNames, chain.MissingBacking, allowMissing, log);
        }

        var found = result.Vdis.Select(v => v.VdiUuid).Concat(result.Qcow2Vdis.Select(v => v.VdiUuid)).ToList();
        throw new UsageException($"the carve found no VDI {wanted}; it found {(found.Count == 0 ? "none" : string.Join(", ", found))}");
    }

    /// <summary>A VHD or QCOW2 file (by its magic) with its chain, parents and backing files looked for beside it.</summary>
    public static ServedDisk FromFile(string path, bool allowMissing)
    {
        var file = ImageFile.Open(path);
        try
        {
            var log = new FindingLog();
            var format = ContainerFormat.Detect(file.Source)?.QemuFormat;
            if (format == "qcow2")
            {
                var resolver = file.Backings();
                var chain = Qcow2Chain.Open(file.Source, file.Path, resolver, log);
                ImageChainStops.Qcow2(file, chain, allowMissing, log, serving: true);
                return OfFile("qcow2-file", file, chain.Disk, chain.MemberNames, chain.MissingBacking, new Both(resolver, file));
            }

            if (format == "vpc" || EndsWithVhdFooter(file.Source))
            {
                var resolver = file.Parents();
                var chain = file.OpenVhdChain(resolver, log);
                ImageChainStops.Vhd(file, chain, allowMissing, log, serving: true);
                return OfFile("vhd-file", file, chain.Disk, chain.MemberNames, chain.MissingParent, new Both(resolver, file));
            }

            throw new UsageException($"{path} is neither a VHD nor a QCOW2 file; to serve a disk of the SR on it, give --vdi UUID, --lv NAME or --carved UUID");
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    public void Dispose() => Keep?.Dispose();

    private static ServedDisk Carved(string lvName, IByteSource disk, IReadOnlyList<string> members, string? missing, bool allowMissing, FindingLog log)
    {
        StopOnMissing(missing, lvName, allowMissing, log);
        var uuid = LvName.Parse(lvName).VdiUuid ?? lvName;
        return new ServedDisk("carved", uuid, $"VDI {uuid} carved from the sources ({lvName}, no LVM metadata used)", disk, members, missing, null, null);
    }

    private static ServedDisk OfFile(string kind, ImageFile file, IByteSource disk, IReadOnlyList<string> members, string? missing, IDisposable keep) =>
        new(kind, Path.GetFileName(file.Path), $"{file.Path}{(members.Count > 1 ? $" with its chain of {members.Count}" : "")}", disk, members, missing, null, keep);

    private static void StopOnMissing(string? missing, string lvName, bool allowMissing, FindingLog log)
    {
        if (missing is not null && !allowMissing)
        {
            throw new StoppedException($"the parent {missing} of {lvName}'s chain was not found; nothing served. --allow-missing-parent serves what the chain found holds, the rest as zeros.", log);
        }
    }

    /// <summary>A fixed VHD keeps its only footer in its last 512 bytes, the cookie first (vhd.md 2).</summary>
    private static bool EndsWithVhdFooter(FileSource source)
    {
        Span<byte> cookie = stackalloc byte[8];
        return source.Length >= VhdFooter.Size && source.ReadAt(source.Length - VhdFooter.Size, cookie) == cookie.Length && cookie.SequenceEqual(VhdFooter.Cookie);
    }

    private sealed class Both(IDisposable first, IDisposable second) : IDisposable
    {
        public void Dispose()
        {
            first.Dispose();
            second.Dispose();
        }
    }
}
