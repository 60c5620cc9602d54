using System.Text.Json;
using SrRescue.Carving;
using SrRescue.Diagnostics;
using SrRescue.Io;
using SrRescue.Lvm;
using SrRescue.Recovery;
using SrRescue.Tests.Support;
using SrRescue.Xen;

namespace SrRescue.Tests.Carving;

/// <summary>Carves a fixture image and compares the result with its expected.json.</summary>
internal static class CarveHarness
{
    public static (CarveResult Result, FindingLog Log, LvmInspection Lvm) Carve(string scenario, string? backup = null, Func<string, bool>? reserveLv = null)
    {
        var image = Fixtures.Image(scenario);
        var lvm = LvmInspection.Open([image], backup);
        var log = new FindingLog();
        IByteSource pv = lvm.Pvs.PvSources.Count > 0 ? lvm.Pvs.PvSources[0] : FileSource.Open(image);
        var grid = ExtentGrid.Find(pv, lvm);
        var mgt = SrInventory.Build(lvm, log).Mgt?.Records ?? [];
        var result = CarvedVdiNaming.Name(Carver.Carve(pv, grid, Carver.ReservedPes(lvm, pv, reserveLv), LvhdFooters.OnLv, log), mgt, log);
        return (result, log, lvm);
    }

    public static IReadOnlyList<(long Le, long Pe, long Count)> ExpectedSegments(JsonElement vdi) =>
        vdi.GetProperty("segments").EnumerateArray()
            .Select(s => (s.GetProperty("le").GetInt64(), s.GetProperty("pe").GetInt64(), s.GetProperty("count").GetInt64())).ToList();

    /// <summary>The carved LV's segments as (le, pe, count) on its one PV.</summary>
    private static IEnumerable<(long Le, long Pe, long Count)> Segments(CarveResult result, CarvedVhd vhd) =>
        result.Segments(vhd).Select(s => (s.Le, s.Pe, s.Count));

    public static string Describe(CarveResult r) => string.Join("\n", r.Vdis.Select(v =>
        $"{v.Vhd.VhdUuid} {v.VdiUuid} ({v.UuidSource}) {string.Join(" ", r.Segments(v.Vhd).Select(s => $"[{s.Le}:{s.Pe}x{s.Count}]"))} {v.Vhd.Confidence}"));

    /// <summary>Every expected VDI is carved with its segments and reads back to raw_sha256 through its chain.</summary>
    public static void AssertAllRecovered(string scenario, CarveResult result, FindingLog log)
    {
        var expected = Fixtures.Expected(scenario);
        var vdis = expected.GetProperty("vdis").EnumerateArray().ToList();
        Assert.True(vdis.Count == result.Vdis.Count, Describe(result));
        foreach (var vdi in vdis)
        {
            var c = result.FindByVhdUuid(Guid.Parse(vdi.GetProperty("vhd_uuid").GetString()!));
            Assert.True(c is not null && ExpectedSegments(vdi).SequenceEqual(Segments(result, c.Vhd)), $"{vdi.GetProperty("vhd_uuid")}\n{Describe(result)}");
        }

        foreach (var vdi in vdis)
        {
            var vhdUuid = Guid.Parse(vdi.GetProperty("vhd_uuid").GetString()!);
            var carved = result.FindByVhdUuid(vhdUuid);
            Assert.True(carved is not null, $"{vhdUuid} not carved\n{Describe(result)}");
            Assert.True(ExpectedSegments(vdi).SequenceEqual(Segments(result, carved.Vhd)), $"{vhdUuid}\n{Describe(result)}");
            Assert.Equal(vdi.GetProperty("lv_size").GetInt64(), carved.Vhd.LvSizeBytes);
            var chain = result.OpenChain(carved, log);
            Assert.True(chain.IsComplete, chain.MissingParent);
            Assert.Equal(vdi.GetProperty("virtual_size").GetInt64(), chain.Disk.Length);
            Assert.True(vdi.GetProperty("raw_sha256").GetString() == VhdFiles.Sha256(chain.Disk), $"{vhdUuid} sha differs; chain {string.Join(" < ", chain.MemberNames)}\n{Describe(result)}");
        }
    }
}
