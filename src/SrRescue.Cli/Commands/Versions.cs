using SrRescue.Lvm;

namespace SrRescue.Cli.Commands;

/// <summary>Picks metadata versions by seqno, with messages that list what exists.</summary>
internal static class Versions
{
    public static VgHistory RequireVg(LvmInspection lvm) =>
        lvm.Vg ?? throw new SrRescue.Diagnostics.CorruptDataException(new SrRescue.Diagnostics.Finding(
            SrRescue.Diagnostics.Severity.Error, "lvm.no-metadata", "metadata area", -1, "no LVM metadata copy was found on any source"));

    public static MetadataVersion Require(LvmInspection lvm, long seqno)
    {
        var vg = RequireVg(lvm);
        var v = vg.Find(seqno);
        if (v is null)
        {
            throw new UsageException($"no metadata copy with seqno {seqno} was found; seqnos found: {Summary(vg)}");
        }

        return v;
    }

    public static MetadataVersion RequireUsable(LvmInspection lvm, long seqno)
    {
        var v = Require(lvm, seqno);
        if (!v.IsUsable)
        {
            throw new UsageException($"the copy with seqno {seqno} is damaged ({v.Primary.Damage ?? "it does not parse"}); choose another seqno");
        }

        return v;
    }

    public static MetadataVersion RequireNewest(LvmInspection lvm) =>
        RequireVg(lvm).Newest ?? throw new SrRescue.Diagnostics.CorruptDataException(new SrRescue.Diagnostics.Finding(
            SrRescue.Diagnostics.Severity.Error, "lvm.no-usable-metadata", "metadata area", -1, "every metadata copy found is damaged"));

    /// <summary>"1-27" style ranges of the seqnos present.</summary>
    public static string Summary(VgHistory vg)
    {
        var seqnos = vg.Versions.Select(v => v.Seqno).Distinct().Order().ToList();
        var parts = new List<string>();
        for (var i = 0; i < seqnos.Count;)
        {
            var j = i;
            while (j + 1 < seqnos.Count && seqnos[j + 1] == seqnos[j] + 1)
            {
                j++;
            }

            parts.Add(i == j ? $"{seqnos[i]}" : $"{seqnos[i]}-{seqnos[j]}");
            i = j + 1;
        }

        return string.Join(", ", parts);
    }
}
