using System.Text.Json;
using SrRescue.Tests.Support;

namespace SrRescue.Tests.Cli;

/// <summary>
/// Issue 11: a command's text and JSON come from one report record, so they cannot drift apart.
/// Each command runs on fixtures both ways; every value at the listed paths of the JSON (the facts
/// a reader acts on) must be named in the text. Commands join the list as their report becomes a record.
/// </summary>
public sealed class ReportBothWaysTests
{
    private static readonly Dictionary<string, string[]> Facts = new()
    {
        ["history"] = ["vgs[].name", "vgs[].id", "vgs[].versions[].seqno", "vgs[].versions[].checksum", "removed[].lv", "removed[].restore_command",
            "removed[].extents_given_to[]", "findings[]?severity!=info.code"],
        ["list"] = ["sr_uuid", "sr_name", "vdis[].uuid", "vdis[].name_label", "vdis[].kind", "vdis[].parent", "vdis[].snapshot_of", "vdis[].state",
            "vdis[].overwritten_by[]", "no_vdi_hint", "findings[]?severity!=info.code"],
        ["diff"] = ["from", "to", "from_lv_count", "to_lv_count", "changes[].kind", "changes[].lv", "changes[].old_name", "changes[].detail"],
    };

    public static TheoryData<string, string, string> Cases => new()
    {
        { "history", "snapshot_chain", "" }, { "history", "ring_wrapped", "" }, { "history", "lost_vdi", "" }, { "history", "multi_pv", "" },
        { "list", "snapshot_chain", "" }, { "list", "lost_vdi", "" }, { "list", "multi_pv", "" }, { "list", "sr_recreated", "" }, { "list", "mda_wiped_with_backup", "" },
        { "diff", "snapshot_chain", "--from 14 --to 16" }, { "diff", "snapshot_chain", "--from 1 --to 27" },
    };

    private static IEnumerable<JsonElement> Select(JsonElement e, string path)
    {
        if (path.Length == 0)
        {
            yield return e;
            yield break;
        }

        var dot = path.IndexOf('.', StringComparison.Ordinal);
        var head = dot < 0 ? path : path[..dot];
        var rest = dot < 0 ? "" : path[(dot + 1)..];
        var filter = head.Split('?');
        var name = filter[0].EndsWith("[]", StringComparison.Ordinal) ? filter[0][..^2] : filter[0];
        if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            yield break;
        }

        var items = filter[0].EndsWith("[]", StringComparison.Ordinal) ? value.EnumerateArray().ToList() : [value];
        if (filter.Length > 1)
        {
            var (key, not) = (filter[1].Split("!=")[0], filter[1].Split("!=")[1]);
            items = items.Where(i => i.GetProperty(key).ToString() != not).ToList();
        }

        foreach (var item in items)
        {
            foreach (var found in Select(item, rest))
            {
                yield return found;
            }
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_text_names_every_fact_of_the_json(string command, string scenario, string options)
    {
        string[] extra = options.Length == 0 ? [] : options.Split(' ');
        var sources = Fixtures.Expected(scenario).GetProperty("images").EnumerateArray().Select(i => Fixtures.Image(scenario, i.GetProperty("name").GetString()!)).ToArray();
        var json = Support.Cli.Run([command, .. sources, .. extra, "--json"]);
        var text = Support.Cli.Run([command, .. sources, .. extra]);
        Assert.Equal(json.ExitCode, text.ExitCode);
        using var doc = JsonDocument.Parse(json.Out);
        var checkedFacts = 0;
        foreach (var path in Facts[command])
        {
            foreach (var fact in Select(doc.RootElement, path))
            {
                Assert.True(text.Out.Contains(fact.ToString(), StringComparison.Ordinal), $"{command} on {scenario}: {path} = {fact} is not in the text");
                checkedFacts++;
            }
        }

        Assert.True(checkedFacts >= 2, $"only {checkedFacts} facts checked");
    }
}
