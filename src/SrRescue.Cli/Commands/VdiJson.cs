using SrRescue.Cli.Output;
using SrRescue.Xen;

namespace SrRescue.Cli.Commands;

/// <summary>The JSON shape of one VDI (list, doctor).</summary>
internal static class VdiJson
{
    public static void Write(JsonOut j, SrVdi v)
    {
        var w = j.W;
        w.WriteStartObject();
        w.WriteString("uuid", v.Uuid);
        j.NullableString("name_label", v.NameLabel);
        j.NullableString("name_description", v.NameDescription);
        w.WriteString("kind", v.KindName);
        j.NullableString("lv", v.LvName);
        j.NullableNumber("virtual_size", v.VirtualSizeBytes);
        j.NullableNumber("lv_size", v.LvSizeBytes);
        j.NullableString("parent", v.ParentUuid);
        w.WriteBoolean("hidden", v.Hidden);
        if (v.IsASnapshot is { } snap)
        {
            w.WriteBoolean("is_a_snapshot", snap);
        }
        else
        {
            w.WriteNull("is_a_snapshot");
        }

        j.NullableString("snapshot_of", v.SnapshotOf);
        j.NullableString("snapshot_time", v.SnapshotTime);
        if (v.ReadOnly is { } ro)
        {
            w.WriteBoolean("read_only", ro);
        }
        else
        {
            w.WriteNull("read_only");
        }

        j.NullableString("type", v.Type);
        w.WriteString("state", StateId(v.State));
        j.NullableNumber("seqno", v.Seqno);
        w.WriteString("mgt_record", v.MgtRecord);
        j.Strings("overwritten_by", v.OverwrittenBy);
        w.WriteEndObject();
    }

    public static string StateId(VdiState state) => state switch
    {
        VdiState.Present => "present",
        VdiState.DeletedRecoverable => "deleted-recoverable",
        VdiState.DeletedOverwritten => "deleted-overwritten",
        VdiState.Unaccounted => "unaccounted",
        _ => "carved",
    };
}
