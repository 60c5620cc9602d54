using System.Text.Json;
using SrRescue.Diagnostics;
using SrRescue.Io;
using SrRescue.Tests.Support;
using SrRescue.Vhd;

namespace SrRescue.Tests.Vhd;

/// <summary>
/// `vhd convert` when a parent is missing: nothing written and exit 1, unless
/// --allow-missing-parent; then what the chain found holds is written, and every byte that differs
/// from the complete chain's disk lies in a reported range (and reads as zeros).
/// </summary>
public sealed class ConvertMissingParentTests
{
    private const string Leaf = "5c3121e0-51c0-4f27-8862-a0f470f22e66.vhd";
    private const string Middle = "06a8ff7d-9d87-4d3e-8670-eeee818de2d6.vhd";
    private const string Base = "bcb0ff68-a527-42e4-85de-685d1b360662.vhd";

    [Fact]
    public void A_missing_parent_writes_nothing_and_exits_1()
    {
        var dir = VhdFiles.Extract("snapshot_chain", Leaf + ".gz", Middle + ".gz");
        var output = Path.Combine(dir, "out.raw");
        var r = Support.Cli.Run("vhd", "convert", Path.Combine(dir, Leaf), "-o", output, "--format", "raw");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("--allow-missing-parent", r.Err);
        Assert.Contains("vhd.chain.parent-missing", r.Err);
        Assert.False(File.Exists(output));
    }

    [Theory]
    [InlineData("raw")]
    [InlineData("vhd")]
    public void Allowed_it_writes_the_chain_found_and_lists_what_came_from_nowhere(string format)
    {
        var full = VhdFiles.Extract("snapshot_chain", Leaf + ".gz", Middle + ".gz", Base + ".gz");
        var complete = Path.Combine(full, "complete.raw");
        Assert.Equal(0, Support.Cli.Run("vhd", "convert", Path.Combine(full, Leaf), "-o", complete, "--format", "raw").ExitCode);

        var dir = VhdFiles.Extract("snapshot_chain", Leaf + ".gz", Middle + ".gz");
        var output = Path.Combine(dir, "partial." + format);
        var r = Support.Cli.Run("vhd", "convert", Path.Combine(dir, Leaf), "-o", output, "--format", format, "--allow-missing-parent", "--json");
        Assert.Equal(1, r.ExitCode);
        var json = r.Json();
        Assert.False(json.GetProperty("complete").GetBoolean());
        Assert.Contains("bcb0ff68", json.GetProperty("missing_parent").GetString());
        Assert.Equal(2, json.GetProperty("chain").GetArrayLength());
        var ranges = json.GetProperty("missing_ranges").EnumerateArray()
            .Select(e => new ByteRange(e.GetProperty("offset").GetInt64(), e.GetProperty("length").GetInt64())).ToList();
        Assert.Equal(ranges.Sum(x => x.LengthBytes), json.GetProperty("missing_bytes").GetInt64());
        Assert.False(json.GetProperty("missing_ranges_truncated").GetBoolean());
        Assert.NotEmpty(ranges);

        using var partial = Disk(output, format);
        using var reference = FileSource.Open(complete);
        Assert.Equal(reference.Length, partial.Source.Length);
        var differing = CompareSectors(reference, partial.Source, ranges);
        Assert.True(differing > 0, "the base copy holds data the partial disk lacks");
        Assert.True(json.GetProperty("missing_bytes").GetInt64() < reference.Length);
    }

    [Fact]
    public void Parent_found_by_uuid_when_its_name_is_gone()
    {
        // vhd_damaged case f: the locators name an LV that is not beside the child.
        var expected = Fixtures.Expected("vhd_damaged").GetProperty("files").GetProperty("f-child.vhd.gz");
        var dir = VhdFiles.Extract("vhd_damaged", "f-child.vhd.gz", "f-parent.vhd.gz");
        var output = Path.Combine(dir, "out.raw");
        var r = Support.Cli.Run("vhd", "convert", Path.Combine(dir, "f-child.vhd"), "-o", output, "--format", "raw", "--json");
        Assert.True(r.ExitCode == 0, r.Out + r.Err);
        Assert.Equal(expected.GetProperty("raw_sha256").GetString(), QemuVpc.Sha256File(output));

        var alone = VhdFiles.Extract("vhd_damaged", "f-child.vhd.gz");
        var partial = Path.Combine(alone, "out.raw");
        var p = Support.Cli.Run("vhd", "convert", Path.Combine(alone, "f-child.vhd"), "-o", partial, "--format", "raw", "--allow-missing-parent", "--json");
        Assert.Equal(1, p.ExitCode);
        var json = p.Json();
        Assert.Contains(expected.GetProperty("parent_name_in_locators").GetString()!, json.GetProperty("missing_parent").GetString());
        var ranges = json.GetProperty("missing_ranges").EnumerateArray()
            .Select(e => new ByteRange(e.GetProperty("offset").GetInt64(), e.GetProperty("length").GetInt64())).ToList();
        using var reference = FileSource.Open(output);
        using var got = FileSource.Open(partial);
        Assert.True(CompareSectors(reference, got, ranges) > 0);
    }

    [Fact]
    public void Text_report_names_the_missing_parent_and_ranges()
    {
        var dir = VhdFiles.Extract("snapshot_chain", Leaf + ".gz");
        var r = Support.Cli.Run("vhd", "convert", Path.Combine(dir, Leaf), "-o", Path.Combine(dir, "o.raw"), "--format", "raw", "--allow-missing-parent");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("NOT RECOVERED", r.Out);
        Assert.Contains("bytes 0-", r.Out);
    }

    /// <summary>
    /// Every sector that differs lies in a reported range, and reported ranges read as zeros.
    /// Returns the number of differing sectors.
    /// </summary>
    private static int CompareSectors(FileSource reference, IByteSource partial, IReadOnlyList<ByteRange> missing)
    {
        var a = new byte[1 << 20];
        var b = new byte[1 << 20];
        var differing = 0;
        for (long pos = 0; pos < reference.Length; pos += a.Length)
        {
            var n = (int)Math.Min(a.Length, reference.Length - pos);
            reference.ReadFullyAt(pos, a.AsSpan(0, n));
            partial.ReadFullyAt(pos, b.AsSpan(0, n));
            for (var s = 0; s < n; s += 512)
            {
                var at = pos + s;
                var inMissing = missing.Any(m => at >= m.OffsetBytes && at < m.EndBytes);
                var sectorB = b.AsSpan(s, Math.Min(512, n - s));
                if (inMissing)
                {
                    Assert.False(sectorB.ContainsAnyExcept((byte)0), $"sector at {at} is reported missing but holds data");
                }

                if (!a.AsSpan(s, sectorB.Length).SequenceEqual(sectorB))
                {
                    Assert.True(inMissing, $"sector at {at} differs from the complete chain but is not reported missing");
                    differing++;
                }
            }
        }

        return differing;
    }

    private static OpenedDisk Disk(string path, string format)
    {
        var file = FileSource.Open(path);
        if (format == "raw")
        {
            return new OpenedDisk(file, file);
        }

        var log = new FindingLog();
        return new OpenedDisk(file, new VhdVirtualDisk(VhdImage.Open(file, log), null));
    }

    private sealed record OpenedDisk(FileSource File, IByteSource Source) : IDisposable
    {
        public void Dispose() => File.Dispose();
    }
}
