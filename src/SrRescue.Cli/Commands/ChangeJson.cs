using SrRescue.Cli.Output;
using SrRescue.Lvm.Model;

namespace SrRescue.Cli.Commands;

/// <summary>How an LV change between two metadata versions is written, as JSON and as text.</summary>
internal static class ChangeJson
{
    public static void Write(JsonOut j, LvChange c)
    {
        var w = j.W;
        w.WriteStartObject();
        w.WriteString("kind", KindId(c.Kind));
        w.WriteString("lv", c.LvName);
        j.NullableString("old_name", c.OldName);
        w.WriteString("id", c.Id);
        w.WriteNumber("old_extent_count", c.OldExtentCount);
        w.WriteNumber("new_extent_count", c.NewExtentCount);
        w.WriteString("detail", c.Detail);
        w.WriteEndObject();
    }

    public static string KindId(LvChangeKind kind) => kind.ToString().ToLowerInvariant();

    public static string Describe(LvChange c) => c.Kind switch
    {
        LvChangeKind.Created => $"+{c.LvName} ({c.NewExtentCount} ext)",
        LvChangeKind.Removed => $"-{c.LvName}",
        LvChangeKind.Resized => $"{c.LvName} {c.OldExtentCount}->{c.NewExtentCount} ext",
        LvChangeKind.Renamed => $"{c.OldName} => {c.LvName}",
        _ => $"{c.LvName} {KindId(c.Kind)}{(c.Detail.Length == 0 ? "" : $" ({c.Detail})")}",
    };
}
