using SrRescue.Diagnostics;
using SrRescue.Io;
using SrRescue.Tests.Support;
using SrRescue.Vhd;
using SrRescue.Xen;

namespace SrRescue.Tests.Vhd;

/// <summary>
/// Snapshot chains read from files against blktap: every member of snapshot_chain read through
/// its parents has the raw_sha256 libvhd computed (sector-granular bitmaps, hidden base copies).
/// </summary>
public sealed class ChainFileTests
{
    [Fact]
    public void Every_chain_member_reads_back_as_libvhd_read_it()
    {
        var expected = Fixtures.Expected("snapshot_chain");
        var files = expected.GetProperty("vhd_files").EnumerateObject().ToDictionary(p => p.Name[..^3], p => p.Value.GetString()!);
        var dir = VhdFiles.Extract("snapshot_chain", [.. files.Keys.Select(f => f + ".gz")]);
        var vdis = expected.GetProperty("vdis").EnumerateArray().ToDictionary(v => v.GetProperty("uuid").GetString()!);
        foreach (var (file, uuid) in files)
        {
            var vdi = vdis[uuid];
            var log = new FindingLog();
            using var resolver = LvhdParentFiles.Resolver(dir);
            using var leaf = FileSource.Open(Path.Combine(dir, file));
            var chain = VhdChain.Open(leaf, file, resolver, log, LvhdFooters.OnLv);
            Assert.True(chain.IsComplete, string.Join("\n", log));
            Assert.Equal(vdi.GetProperty("virtual_size").GetInt64(), chain.Disk.Length);
            Assert.Equal(vdi.GetProperty("hidden").GetBoolean(), chain.Members[0].IsHidden);
            Assert.Equal(Guid.Parse(vdi.GetProperty("vhd_uuid").GetString()!), chain.Members[0].Uuid);
            var depth = 1;
            for (var p = vdi; p.GetProperty("parent").GetString() is { } parent; p = vdis[parent])
            {
                depth++;
            }

            Assert.Equal(depth, chain.Depth);
            Assert.Equal(vdi.GetProperty("raw_sha256").GetString(), VhdFiles.Sha256(chain.Disk));
        }
    }
}
