using System.Buffers.Binary;
using System.Text;
using SrRescue.Tests.Support;
using SrRescue.Vhd;

namespace SrRescue.Tests.Vhd;

/// <summary>
/// Differencing VHDs as Windows tools write them (issue 10 item 7): a W2ku locator holding an
/// absolute path (C:\VMs\F-PARENT.VHD), a W2ru locator holding a relative one (.\f-parent.vhd),
/// the header naming the parent by a full path or by its basename in another case. None of these
/// is a mismatch (Windows compares basenames, case-insensitively), so `vhd check` is clean and the
/// doctor finds no F5; a header whose parent name was zeroed (item 12) is reported as such.
/// </summary>
public sealed class WindowsLocatorTests
{
    [Theory]
    [InlineData("f-parent.vhd")]
    [InlineData(@"C:\VMs\f-parent.vhd")]
    [InlineData("F-Parent.VHD")]
    public void Windows_locators_and_header_names_are_not_mismatches(string headerName)
    {
        var (dir, child) = Child(headerName, @"C:\VMs\F-PARENT.VHD", @".\f-parent.vhd");
        var r = Support.Cli.Run("vhd", "check", child, "--json");
        var codes = r.Json().GetProperty("findings").EnumerateArray()
            .Where(f => f.GetProperty("severity").GetString() != "info").Select(f => f.GetProperty("code").GetString()).ToList();
        Assert.True(codes.Count == 0, string.Join(", ", codes) + r.Out);
        Assert.Equal(0, r.ExitCode);
        Assert.Empty(Support.Cli.Run("doctor", child, "--output-dir", Path.Combine(dir, "out"), "--json").Json().GetProperty("faults").EnumerateArray());
    }

    [Fact]
    public void A_zeroed_parent_name_is_reported_and_the_locators_are_not_blamed()
    {
        var (_, child) = Child("", "f-parent.vhd", @".\f-parent.vhd");
        var r = Support.Cli.Run("vhd", "check", child, "--json");
        var codes = r.Json().GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("code").GetString()).ToList();
        Assert.Contains("vhd.header.parent-name-missing", codes);
        Assert.DoesNotContain("vhd.locator.name-mismatch", codes);
        Assert.Equal(1, r.ExitCode);
    }

    /// <summary>blktap's f-child with its header parent name and its W2ku/W2ru locators rewritten, its MacX locator removed (checksum recomputed); its parent beside it as f-parent.vhd.</summary>
    private static (string Dir, string Child) Child(string headerName, string w2ku, string w2ru)
    {
        var dir = VhdFiles.Extract("vhd_damaged", "f-child.orig.vhd.gz", "f-parent.vhd.gz");
        var path = Path.Combine(dir, "f-child.orig.vhd");
        var bytes = File.ReadAllBytes(path);
        const int Header = 512;
        var name = bytes.AsSpan(Header + DynamicHeader.Off.ParentName, 512);
        name.Clear();
        Encoding.BigEndianUnicode.GetBytes(headerName).CopyTo(name);
        for (var i = 0; i < DynamicHeader.LocatorCount; i++)
        {
            var entry = bytes.AsSpan(Header + DynamicHeader.Off.Locators + (i * ParentLocator.Size), ParentLocator.Size);
            var code = BinaryPrimitives.ReadUInt32BigEndian(entry);
            if (code == ParentLocator.MacX)
            {
                entry.Clear(); // Windows writes no MacX locator
                continue;
            }

            var text = code == ParentLocator.W2ku ? w2ku : code == ParentLocator.W2ru ? w2ru : null;
            if (text is null)
            {
                continue;
            }

            var data = Encoding.Unicode.GetBytes(text);
            var at = (int)BinaryPrimitives.ReadUInt64BigEndian(entry[ParentLocator.Off.DataOffset..]);
            bytes.AsSpan(at, 512).Clear();
            data.CopyTo(bytes, at);
            BinaryPrimitives.WriteUInt32BigEndian(entry[ParentLocator.Off.DataLength..], (uint)data.Length);
        }

        var header = bytes.AsSpan(Header, DynamicHeader.Size);
        BinaryPrimitives.WriteUInt32BigEndian(header[DynamicHeader.Off.Checksum..], 0);
        uint sum = 0;
        foreach (var b in header)
        {
            sum += b;
        }

        BinaryPrimitives.WriteUInt32BigEndian(header[DynamicHeader.Off.Checksum..], ~sum);
        File.WriteAllBytes(path, bytes);
        return (dir, path);
    }
}
