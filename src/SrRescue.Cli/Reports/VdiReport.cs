using System.Text.Json;
using System.Text.Json.Serialization;
using SrRescue.Xen;

namespace SrRescue.Cli.Reports;

/// <summary>One VDI as list and doctor report it.</summary>
internal sealed record VdiReport(string Uuid, string? NameLabel, string? NameDescription, string Kind, string? Lv, long? VirtualSize, long? LvSize,
    string? Parent, bool Hidden, bool? IsASnapshot, string? SnapshotOf, string? SnapshotTime, bool? ReadOnly, string? Type,
    [property: JsonConverter(typeof(KebabCaseEnum<VdiState>))] VdiState State, long? Seqno, string MgtRecord, IReadOnlyList<string> OverwrittenBy)
{
    public static VdiReport Of(SrVdi v) => new(v.Uuid, v.NameLabel, v.NameDescription, v.KindName, v.LvName, v.VirtualSizeBytes, v.LvSizeBytes,
        v.ParentUuid, v.Hidden, v.IsASnapshot, v.SnapshotOf, v.SnapshotTime, v.ReadOnly, v.Type, v.State, v.Seqno, v.MgtRecord, v.OverwrittenBy);

    /// <summary>The state as the JSON spells it: present, deleted-recoverable, deleted-overwritten, unaccounted, carved.</summary>
    public static string StateName(VdiState state) => JsonNamingPolicy.KebabCaseLower.ConvertName(state.ToString());
}
