using SrRescue.Carving;
using SrRescue.Cli.Commands;
using SrRescue.Cli.Output;

namespace SrRescue.Cli.Reports;

/// <summary>The text of a <see cref="CarveReport"/>: the grid, one line per VDI, what needs checking, the files written, the findings.</summary>
internal static class CarveText
{
    public static void Write(TextWriter o, CarveReport r)
    {
        var g = r.Grid;
        o.WriteLine($"Extent grid: pe_start {Units.Bytes(g.PeStart)}, extents of {Units.Bytes(g.ExtentSize)}, {g.ExtentCount} extents ({g.Evidence})");
        o.WriteLine($"Carved {r.Vdis.Count} VHD VDI(s):");
        var t = new TextTable("VDI", "NAMED FROM", "TYPE", "VIRTUAL", "LV", "PARENT", "CONFIDENCE", "SEGMENTS (le:pe x count)", "OUTPUT");
        foreach (var v in r.Vdis)
        {
            var parent = v.ParentVhdUuid is { } p ? v.ParentVdiUuid ?? $"(vhd {p}, not found)" : "-";
            t.Add(v.VdiUuid, SnakeCaseEnum<VdiUuidSource>.Name(v.UuidSource), v.Hidden ? "base copy" : v.Type, Units.Bytes(v.VirtualSize), Units.Bytes(v.LvSize), parent,
                Confidence(v), string.Join(" ", v.Segments.Select(s => $"{s.Le}:{s.Pe}x{s.Count}" + (s.Pv > 0 ? $"@{s.Source}" : ""))), Path.GetFileName(v.Output));
        }

        t.Write(o);
        foreach (var v in r.Vdis.Where(v => v.UnplacedBlocks.Count > 0))
        {
            o.WriteLine($"  {v.VdiUuid}: blocks not placed (read as zeros): {string.Join(", ", v.UnplacedBlocks)}");
        }

        var guessed = r.Vdis.Where(v => v.ChainConfidence < ExtentConfidence.High).Select(v => v.VdiUuid).ToList();
        if (guessed.Count > 0)
        {
            o.WriteLine($"NOT SURE: {guessed.Count} of {r.Vdis.Count} VDI(s) have extents the structures could not tell apart from another VHD's, chosen by allocation order: " +
                $"{string.Join(", ", guessed)}. Check each (e.g. fsck or mount -o ro of a copy) before trusting it; the report lists every extent's rivals.");
        }

        if (r.Qcow2Vdis.Count > 0)
        {
            WriteQcow2(o, r);
        }

        if (r.UnaccountedExtents.Count > 0)
        {
            o.WriteLine($"Extents holding data that nothing claims: {string.Join(", ", r.UnaccountedExtents.Select(x => x.OnFirstPv ? $"{x.Pe}" : $"{x.Pe}@{x.Source}"))}");
        }

        o.WriteLine($"Report with every extent's evidence: {r.ReportFile}");
        if (r.MetadataFile is null)
        {
            o.WriteLine("No vgcfgrestore file was written (see the findings below).");
        }
        else if (r.MetadataIntoVg is not null)
        {
            o.WriteLine($"vgcfgrestore file: VG {r.MetadataIntoVg} as it is now, with the carved LVs added: {r.MetadataFile}");
        }
        else
        {
            o.WriteLine($"vgcfgrestore file describing the carved LVs: {r.MetadataFile}");
        }

        FindingsText.Write(o, r.Findings);
    }

    /// <summary>The QCOW2 VDIs: one line each, their backing files, and which of them rest on guesses.</summary>
    private static void WriteQcow2(TextWriter o, CarveReport r)
    {
        o.WriteLine($"Carved {r.Qcow2Vdis.Count} QCOW2 VDI(s):");
        var t = new TextTable("VDI", "NAMED FROM", "TYPE", "VIRTUAL", "LV", "USES", "BACKING FILE", "CONFIDENCE", "SEGMENTS (le:pe x count)", "OUTPUT");
        foreach (var v in r.Qcow2Vdis)
        {
            var backing = v.BackingFile is null ? "-"
                : v.ParentLvName is { } p ? p
                : v.ParentCandidateStarts.Count > 1 ? $"{v.BackingVdiUuid ?? v.BackingFile} (one of the images at extents {string.Join(", ", v.ParentCandidateStarts)})"
                : $"{v.BackingVdiUuid ?? v.BackingFile} (not found)";
            t.Add(v.VdiUuid, SnakeCaseEnum<VdiUuidSource>.Name(v.UuidSource), v.Hidden ? "base copy" : "qcow2", Units.Bytes(v.VirtualSize), Units.Bytes(v.LvSize),
                $"{v.ReferencedExtents} of {v.SizeRuleExtents} extents", backing, Confidence(v.Confidence, v.ChainConfidence),
                string.Join(" ", v.Segments.Select(s => $"{s.Le}:{s.Pe}x{s.Count}" + (s.Pv > 0 ? $"@{s.Source}" : ""))), Path.GetFileName(v.Output));
        }

        t.Write(o);
        foreach (var v in r.Qcow2Vdis.Where(v => !v.ChainComplete))
        {
            o.WriteLine($"  {v.VdiUuid}: backing file {v.MissingBacking} not found: what it would hold reads as zeros");
        }

        var guessed = r.Qcow2Vdis.Where(v => v.ChainConfidence < ExtentConfidence.High).Select(v => v.VdiUuid).ToList();
        if (guessed.Count > 0)
        {
            o.WriteLine($"NOT SURE: {guessed.Count} of {r.Qcow2Vdis.Count} QCOW2 VDI(s) have extents placed by allocation order (data clusters cannot be checked) " +
                $"or tables that fit several extents: {string.Join(", ", guessed)}. Check each (e.g. fsck or mount -o ro of a copy) before trusting it; the report gives every extent's evidence.");
        }
    }

    private static string Confidence(ExtentConfidence own, ExtentConfidence chain)
    {
        var name = SnakeCaseEnum<ExtentConfidence>.Name(own);
        return chain == own ? name : $"{name} (chain {SnakeCaseEnum<ExtentConfidence>.Name(chain)})";
    }

    /// <summary>The VDI's own confidence, and its chain's where a parent is less sure.</summary>
    private static string Confidence(CarveReport.VdiEntry v)
    {
        var own = SnakeCaseEnum<ExtentConfidence>.Name(v.Confidence);
        return v.ChainConfidence == v.Confidence ? own : $"{own} (chain {SnakeCaseEnum<ExtentConfidence>.Name(v.ChainConfidence)})";
    }
}
