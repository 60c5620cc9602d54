using SrRescue.Io;

namespace SrRescue.Tests.Architecture;

/// <summary>
/// Issue 11: layers point down only. Io and Diagnostics are at the bottom (Io may log findings);
/// Partitions, Lvm, Vhd and Qcow2 stand on them and not on each other; Xen and Carving on Lvm and Vhd;
/// Recovery on all. The Cli is a separate assembly on top.
/// </summary>
public sealed class LayerTests
{
    private static readonly Dictionary<string, string[]> Below = new()
    {
        ["Diagnostics"] = [],
        ["Io"] = ["Diagnostics"],
        ["Partitions"] = ["Io", "Diagnostics"],
        ["Lvm"] = ["Io", "Diagnostics"],
        ["Vhd"] = ["Io", "Diagnostics"],
        ["Qcow2"] = ["Io", "Diagnostics"],
        ["Nbd"] = ["Io", "Diagnostics"],
        ["Xen"] = ["Lvm", "Vhd", "Qcow2", "Io", "Diagnostics"],
        ["Carving"] = ["Lvm", "Vhd", "Qcow2", "Io", "Diagnostics"],
        ["Recovery"] = ["Carving", "Xen", "Partitions", "Lvm", "Vhd", "Qcow2", "Io", "Diagnostics"],
    };

    private static string? LayerOf(Type t) =>
        t.Namespace is { } ns && ns.StartsWith("SrRescue.", StringComparison.Ordinal) ? ns.Split('.')[1] : null;

    private static List<(string From, string To, string Where)> Edges()
    {
        var edges = new List<(string, string, string)>();
        foreach (var type in typeof(Crc32).Assembly.GetTypes())
        {
            if (LayerOf(type) is not { } from)
            {
                continue;
            }

            foreach (var used in TypeReferences.Of(type))
            {
                if (LayerOf(used) is { } to && to != from)
                {
                    edges.Add((from, to, $"{type.FullName} uses {used.FullName}"));
                }
            }
        }

        return edges;
    }

    [Fact]
    public void Every_namespace_of_the_library_is_a_known_layer() =>
        Assert.All(typeof(Crc32).Assembly.GetTypes().Select(LayerOf).OfType<string>().Distinct(), l => Assert.Contains(l, Below.Keys));

    [Fact]
    public void No_layer_uses_one_beside_or_above_it()
    {
        var wrong = Edges().Where(e => !Below[e.From].Contains(e.To)).Select(e => e.Where).Distinct().Order().ToList();
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    [Fact]
    public void The_scan_sees_the_references_that_are_there()
    {
        // A scan that found nothing would pass the test above: the arrows the design has must show.
        var seen = Edges().Select(e => (e.From, e.To)).ToHashSet();
        Assert.Contains(("Recovery", "Carving"), seen);
        Assert.Contains(("Xen", "Vhd"), seen);
        Assert.Contains(("Lvm", "Io"), seen);
        Assert.Contains(("Carving", "Lvm"), seen);
    }
}
