using SrRescue.Carving;
using SrRescue.Cli.Output;
using SrRescue.Diagnostics;

namespace SrRescue.Cli.Commands;

/// <summary>What `carve` tells: the grid, per VDI its extents with confidence and evidence, the outputs.</summary>
internal sealed class CarveReport(IReadOnlyList<string> sources, string format, CarveResult result, IReadOnlyList<CarveReport.Written> written, FindingLog log, string? metadataFile, string? metadataIntoVg)
{
    public sealed record Written(CarvedVdi Vdi, string Path, long DataBytes, bool ChainComplete, string? MissingParent);

    public void Json(TextWriter target)
    {
        using var j = new JsonOut(target, "carve");
        var w = j.W;
        j.Strings("sources", sources);
        w.WriteString("metadata_file", metadataFile);
        w.WriteString("metadata_into_vg", metadataIntoVg);
        w.WriteStartObject("grid");
        w.WriteNumber("pe_start", result.Grid.PeStartBytes);
        w.WriteNumber("extent_size", result.Grid.ExtentSizeBytes);
        w.WriteNumber("extent_count", result.Grid.ExtentCount);
        w.WriteString("evidence", result.Grid.Evidence);
        w.WriteEndObject();
        w.WriteStartArray("vdis");
        foreach (var x in written)
        {
            var v = x.Vdi;
            w.WriteStartObject();
            w.WriteString("vdi_uuid", v.VdiUuid);
            w.WriteString("uuid_source", Snake(v.UuidSource.ToString()));
            j.Strings("uuid_candidates", v.UuidCandidates);
            w.WriteString("lv_name", v.LvName);
            w.WriteString("vhd_uuid", v.Vhd.VhdUuid.ToString());
            w.WriteString("type", v.Vhd.Start.IsDifferencing ? "differencing" : "dynamic");
            w.WriteBoolean("hidden", v.IsHidden);
            w.WriteNumber("virtual_size", v.Image.VirtualSizeBytes);
            w.WriteNumber("lv_size", v.Vhd.LvSizeBytes);
            j.NullableString("parent_vhd_uuid", v.ParentVhdUuid?.ToString());
            j.NullableString("parent_vdi_uuid", v.ParentVhdUuid is { } p ? result.FindByVhdUuid(p)?.VdiUuid : null);
            w.WriteString("confidence", v.Vhd.Confidence.ToString().ToLowerInvariant());
            w.WriteString("chain_confidence", result.ChainConfidence(v).ToString().ToLowerInvariant());
            w.WriteBoolean("primary_footer_found", v.Vhd.PrimaryFooterFound);
            w.WriteString("output", x.Path);
            w.WriteString("format", format);
            w.WriteNumber("data_bytes", x.DataBytes);
            w.WriteBoolean("chain_complete", x.ChainComplete);
            j.NullableString("missing_parent", x.MissingParent);
            w.WriteStartArray("unplaced_blocks");
            foreach (var b in v.Vhd.UnplacedBlocks)
            {
                w.WriteNumberValue(b);
            }

            w.WriteEndArray();
            w.WriteStartArray("segments");
            foreach (var s in result.Segments(v.Vhd))
            {
                w.WriteStartObject();
                w.WriteNumber("le", s.Le);
                w.WriteString("source", s.Source);
                w.WriteNumber("pe", s.Pe);
                w.WriteNumber("count", s.Count);
                w.WriteNumber("byte_offset", s.Offset);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("extents");
            foreach (var e in v.Vhd.Extents)
            {
                w.WriteStartObject();
                var place = result.Place(e.Pe);
                w.WriteNumber("le", e.Le);
                w.WriteString("source", place.Source);
                w.WriteNumber("pe", place.Pe);
                w.WriteNumber("byte_offset", place.Offset);
                w.WriteString("confidence", e.Confidence.ToString().ToLowerInvariant());
                w.WriteNumber("score", Math.Round(e.Score, 2));
                j.Strings("evidence", e.Evidence);
                w.WriteStartArray("rival_starts");
                foreach (var a in e.RivalVhdStartPes)
                {
                    w.WriteNumberValue(a);
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("unaccounted_extents");
        foreach (var pe in result.UnaccountedPes)
        {
            var place = result.Place(pe);
            w.WriteStartObject();
            w.WriteString("source", place.Source);
            w.WriteNumber("pe", place.Pe);
            w.WriteNumber("byte_offset", place.Offset);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        j.Findings(log);
    }

    /// <summary>An extent number, with its source when it is not on the first PV.</summary>
    private string PeText(long pe)
    {
        var place = result.Place(pe);
        return place.Source == result.Place(0).Source ? $"{place.Pe}" : $"{place.Pe}@{place.Source}";
    }

    /// <summary>The VDI's own confidence, and its chain's where a parent is less sure.</summary>
    private string Confidence(CarvedVdi v)
    {
        var own = v.Vhd.Confidence.ToString().ToLowerInvariant();
        var chain = result.ChainConfidence(v);
        return chain == v.Vhd.Confidence ? own : $"{own} (chain {chain.ToString().ToLowerInvariant()})";
    }

    public void Text(TextWriter o, string reportPath)
    {
        o.WriteLine($"Extent grid: pe_start {Units.Bytes(result.Grid.PeStartBytes)}, extents of {Units.Bytes(result.Grid.ExtentSizeBytes)}, {result.Grid.ExtentCount} extents ({result.Grid.Evidence})");
        o.WriteLine($"Carved {result.Vdis.Count} VHD VDI(s):");
        var t = new TextTable("VDI", "NAMED FROM", "TYPE", "VIRTUAL", "LV", "PARENT", "CONFIDENCE", "SEGMENTS (le:pe x count)", "OUTPUT");
        foreach (var x in written)
        {
            var v = x.Vdi;
            var parent = v.ParentVhdUuid is { } p ? result.FindByVhdUuid(p)?.VdiUuid ?? $"(vhd {p}, not found)" : "-";
            t.Add(v.VdiUuid, Snake(v.UuidSource.ToString()), v.IsHidden ? "base copy" : v.Vhd.Start.IsDifferencing ? "differencing" : "dynamic",
                Units.Bytes(v.Image.VirtualSizeBytes), Units.Bytes(v.Vhd.LvSizeBytes), parent, Confidence(v),
                string.Join(" ", result.Segments(v.Vhd).Select(s => $"{s.Le}:{s.Pe}x{s.Count}" + (s.Pv > 0 ? $"@{s.Source}" : ""))), Path.GetFileName(x.Path));
        }

        t.Write(o);
        foreach (var x in written.Where(w => w.Vdi.Vhd.UnplacedBlocks.Count > 0))
        {
            o.WriteLine($"  {x.Vdi.VdiUuid}: blocks not placed (read as zeros): {string.Join(", ", x.Vdi.Vhd.UnplacedBlocks)}");
        }

        var guessed = written.Where(w => result.ChainConfidence(w.Vdi) < ExtentConfidence.High).Select(w => w.Vdi.VdiUuid).ToList();
        if (guessed.Count > 0)
        {
            o.WriteLine($"NOT SURE: {guessed.Count} of {written.Count} VDI(s) have extents the structures could not tell apart from another VHD's, chosen by allocation order: " +
                $"{string.Join(", ", guessed)}. Check each (e.g. fsck or mount -o ro of a copy) before trusting it; the report lists every extent's rivals.");
        }

        if (result.UnaccountedPes.Count > 0)
        {
            o.WriteLine($"Extents holding data that nothing claims: {string.Join(", ", result.UnaccountedPes.Select(PeText))}");
        }

        o.WriteLine($"Report with every extent's evidence: {reportPath}");
        if (metadataFile is null)
        {
            o.WriteLine("No vgcfgrestore file was written (see the findings below).");
        }
        else if (metadataIntoVg is not null)
        {
            o.WriteLine($"vgcfgrestore file: VG {metadataIntoVg} as it is now, with the carved LVs added: {metadataFile}");
        }
        else
        {
            o.WriteLine($"vgcfgrestore file describing the carved LVs: {metadataFile}");
        }
        FindingsText.Write(o, log);
    }

    private static string Snake(string pascal) =>
        string.Concat(pascal.Select((c, i) => char.IsUpper(c) && i > 0 ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}
