using System.CommandLine;
using SrRescue.Cli.Output;
using SrRescue.Lvm;
using SrRescue.Xen;

namespace SrRescue.Cli.Commands;

/// <summary>`list`: every VDI known from any source, with its name from MGT and its state.</summary>
internal static class ListCommand
{
    public static Command Create(CliContext ctx)
    {
        var cmd = new LvmCommand(ctx, "list", "Every VDI known from any source: uuid, name (from MGT), kind, virtual size, parent, hidden, snapshot of, state (present, deleted-recoverable, deleted-overwritten, unaccounted).");
        return cmd.SetAction((p, lvm, json) =>
        {
            var sr = SrInventory.Build(lvm, lvm.Findings);
            if (json)
            {
                using var j = new JsonOut(ctx.Out, "list");
                j.NullableString("sr_uuid", sr.SrUuid);
                j.NullableString("sr_name", sr.Mgt?.SrInfo.NameLabel);
                j.W.WriteStartArray("vdis");
                foreach (var v in sr.Vdis)
                {
                    VdiJson.Write(j, v);
                }

                j.W.WriteEndArray();
                j.Findings(lvm.Findings);
            }
            else
            {
                WriteText(ctx.Out, sr);
                if (sr.Vdis.Count == 0)
                {
                    WriteNoVdiHint(ctx.Out, lvm);
                }

                FindingsText.Write(ctx.Out, lvm.Findings);
            }

            return lvm.Vg is null ? ExitCodes.DataErrors : ExitCodes.Success;
        });
    }

    private static void WriteText(TextWriter o, SrInventory sr)
    {
        o.WriteLine($"SR {sr.SrUuid ?? "(unknown)"}{(sr.Mgt?.SrInfo.NameLabel is { } n ? $" \"{n}\"" : "")}: {sr.Vdis.Count} VDIs");
        var table = new TextTable("VDI UUID", "NAME", "KIND", "VIRTUAL", "PARENT", "HIDDEN", "SNAPSHOT OF", "STATE");
        foreach (var v in sr.Vdis)
        {
            table.Add(v.Uuid, v.NameLabel ?? "-", v.KindName, v.VirtualSizeBytes is { } s ? Units.Bytes(s) : "-", v.ParentUuid ?? "-",
                v.Hidden ? "yes" : "no", v.SnapshotOf ?? "-", VdiJson.StateId(v.State) + (v.OverwrittenBy.Count > 0 ? $" (by {string.Join(", ", v.OverwrittenBy)})" : ""));
        }

        table.Write(o);
    }

    /// <summary>Why the table is empty, and what the sources hold instead.</summary>
    private static void WriteNoVdiHint(TextWriter o, LvmInspection lvm)
    {
        if (lvm.Vg?.Newest?.Vg is not { } vg)
        {
            o.WriteLine("No LVM metadata was read, so no VDI is known: 'srrescue doctor' says what is wrong, 'srrescue carve' finds VHDs without metadata.");
            return;
        }

        var lvs = vg.Lvs.Select(l => l.Name).ToList();
        var shown = string.Join(", ", lvs.Take(12)) + (lvs.Count > 12 ? $", ... ({lvs.Count} in all)" : "");
        o.WriteLine(LvName.SrUuidOf(vg.Name) is null
            ? $"VG {vg.Name} is not a XenServer SR (its name does not start with {LvName.VgPrefix}), so it has no VDIs. Its LVs: {(lvs.Count == 0 ? "none" : shown)}; 'srrescue scan' lists them, 'srrescue export SOURCE... --lv NAME -o FILE' writes one."
            : $"VG {vg.Name} holds no VDI LV (VHD-*, LV-*, QCOW2-*) in its newest metadata (seqno {vg.Seqno}). Its LVs: {(lvs.Count == 0 ? "none" : shown)}; 'srrescue history' shows VDIs of older copies.");
    }
}
