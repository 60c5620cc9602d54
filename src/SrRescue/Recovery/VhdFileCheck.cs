using SrRescue.Diagnostics;
using SrRescue.Io;
using SrRescue.Vhd;
using SrRescue.Xen;

namespace SrRescue.Recovery;

/// <summary>
/// A source that is a VHD file, checked with its chain (parents looked for beside it, by name or
/// footer uuid): what the doctor's fault detector and plan builder read for fault F5 on files.
/// </summary>
internal sealed record VhdFileCheck(string Path, string Folder, VhdCheckReport Report)
{
    public static IReadOnlyList<VhdFileCheck> CheckAll(IReadOnlyList<string> sources, FindingLog log)
    {
        var checks = new List<VhdFileCheck>();
        foreach (var path in sources)
        {
            var folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!;
            using var source = FileSource.Open(path);
            using var resolver = LvhdParentFiles.Resolver(folder);
            var fileLog = new FindingLog();
            var report = VhdChecker.Check(source, fileLog, new VhdCheckOptions { ParentResolver = resolver });
            foreach (var f in fileLog)
            {
                log.Add(f);
            }

            checks.Add(new VhdFileCheck(path, folder, report));
        }

        return checks;
    }

    /// <summary>A file whose first or last sector is a VHD footer and which carries no LVM label.</summary>
    public static bool LooksLikeVhdFile(string path)
    {
        using var f = FileSource.Open(path);
        if (f.IsBlockDevice || f.Length < VhdFooter.Size)
        {
            return false;
        }

        var head = f.ReadBytes(0, 2048);
        for (var s = 0; s + 512 <= head.Length; s += 512)
        {
            if (Lvm.LabelHeader.HasMagic(head.AsSpan(s)))
            {
                return false;
            }
        }

        return VhdFooter.HasCookie(head) || VhdFooter.HasCookie(f.ReadBytes(f.Length - VhdFooter.Size, VhdFooter.Size));
    }
}
