using System.Text.Json.Serialization;
using SrRescue.Lvm.Model;

namespace SrRescue.Cli.Reports;

/// <summary>An LV change between two metadata versions.</summary>
internal sealed record LvChangeReport(
    [property: JsonConverter(typeof(SnakeCaseEnum<LvChangeKind>))] LvChangeKind Kind,
    string Lv, string? OldName, string Id, long OldExtentCount, long NewExtentCount, string Detail)
{
    public static LvChangeReport Of(LvChange c) => new(c.Kind, c.LvName, c.OldName, c.Id, c.OldExtentCount, c.NewExtentCount, c.Detail);

    /// <summary>The kind as the JSON spells it: created, removed, resized, renamed, moved.</summary>
    [JsonIgnore]
    public string KindName => Kind.ToString().ToLowerInvariant();

    /// <summary>The change in one short phrase, as the text tables print it.</summary>
    public string Describe() => Kind switch
    {
        LvChangeKind.Created => $"+{Lv} ({NewExtentCount} ext)",
        LvChangeKind.Removed => $"-{Lv}",
        LvChangeKind.Resized => $"{Lv} {OldExtentCount}->{NewExtentCount} ext",
        LvChangeKind.Renamed => $"{OldName} => {Lv}",
        _ => $"{Lv} {KindName}{(Detail.Length == 0 ? "" : $" ({Detail})")}",
    };
}
