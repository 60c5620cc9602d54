using SrRescue.Diagnostics;
using SrRescue.Lvm.Model;
using SrRescue.Lvm.Text;

namespace SrRescue.Tests.Lvm.Text;

/// <summary>Every real lvm2 artifact parses cleanly and survives parse → write → parse unchanged.</summary>
public class RealSampleTests
{
    public static TheoryData<string> VgFiles => [.. LvmSamples.VgFileNames];

    [Fact]
    public void Fixtures_are_present()
    {
        Assert.Equal(5, LvmSamples.VgFileNames.Count());
        Assert.Equal(741, LvmSamples.WrappedCopies.Count);
    }

    [Theory]
    [MemberData(nameof(VgFiles))]
    public void Backup_files_parse_without_findings_and_round_trip(string name)
    {
        var log = new FindingLog();
        var root = ConfigParser.Parse(LvmSamples.Bytes(name), 0, log, name);
        Assert.Empty(log);
        Assert.Equal(["contents", "version", "description", "creation_host", "creation_time"],
            root.Values.Select(v => v.Key));
        Assert.Single(root.Sections);

        foreach (var layout in new[] { ConfigLayout.AsParsed, ConfigLayout.BackupFile })
        {
            var again = ConfigParser.Parse(System.Text.Encoding.UTF8.GetBytes(ConfigWriter.Write(root, layout)), 0, log, name);
            Assert.Empty(log);
            Assert.True(again.ContentEquals(root), $"{name} changed in a {layout} round trip");
        }

        Assert.NotNull(VgMetadataReader.Read(root, log, 0, name));
        Assert.Empty(log);
    }

    [Fact]
    public void All_741_ring_copies_parse_read_and_round_trip()
    {
        var seqnos = new List<long>();
        foreach (var (offset, text) in LvmSamples.WrappedCopies)
        {
            var log = new FindingLog();
            var root = ConfigParser.Parse(text, offset, log, "s1_wrapped_all_copies");
            Assert.Empty(log);

            // On-disk layout: the VG first, then the trailer keys (lvm2.md 3.2).
            Assert.IsType<ConfigSection>(root.Entries[0]);
            Assert.Equal(offset, root.Entries[0].Offset);

            var asParsed = ConfigParser.Parse(System.Text.Encoding.UTF8.GetBytes(ConfigWriter.Write(root)), 0, log, null);
            Assert.True(asParsed.ContentEquals(root), $"copy at {offset} changed in a round trip");

            // The backup layout moves the trailer before the VG and changes nothing else.
            var backup = ConfigParser.Parse(System.Text.Encoding.UTF8.GetBytes(ConfigWriter.Write(root, ConfigLayout.BackupFile)), 0, log, null);
            Assert.IsType<ConfigValue>(backup.Entries[0]);
            Assert.True(backup.Sections.Single().ContentEquals(root.Sections.Single()));
            Assert.Equal(root.Values.Count(), backup.Values.Zip(root.Values, (a, b) => a.ContentEquals(b)).Count(x => x));

            var vg = VgMetadataReader.Read(root, log, offset, "s1_wrapped_all_copies");
            Assert.Empty(log);
            Assert.Equal("vgwrap", vg!.Name);
            Assert.Equal("FXa5oH-vb50-Jedk-KC9p-8VjE-BWSY-GZqyg8", vg.Id);
            Assert.Contains(vg.Lvs, l => l.Name == "lvone");
            seqnos.Add(vg.Seqno);
        }

        Assert.Equal(Enumerable.Range(753, 741).Select(i => (long)i), seqnos);
    }

    [Fact]
    public void Pvck_dump_of_the_wrapped_copy_parses_between_its_marker_lines()
    {
        var text = LvmSamples.Text("s1_wrapped_pvck_dump_metadata.txt");
        var start = text.IndexOf("vgwrap {", StringComparison.Ordinal);
        var end = text.LastIndexOf("  ---", StringComparison.Ordinal);
        var vg = LvmSamples.Model(text[start..end]);
        Assert.Equal(1493, vg.Seqno);
        Assert.Equal("Write from lvremove -y vgwrap/churn1489.", vg.Description);
        Assert.Equal(1795238128, vg.CreationTime);
    }
}
