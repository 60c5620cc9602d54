using System.Buffers.Binary;
using System.Text;
using SrRescue.Tests.Support;
using SrRescue.Vhd;

namespace SrRescue.Tests.Cli;

/// <summary>
/// Issue 15 item 8: a hostile UTF-16 parent name (an escape sequence that retitles the terminal,
/// a bidirectional override) was printed raw. Text output shows such characters as \uXXXX; JSON
/// output still decodes to the very name the header holds.
/// </summary>
public sealed class TerminalEscapeTests
{
    private const string Hostile = "\u001b]0;owned\u0007\u001b[2Jparent\u202Edhv.vhd";

    [Fact]
    public void Control_characters_read_from_disk_are_escaped_in_text_and_exact_in_json()
    {
        var dir = VhdFiles.Extract("vhd_damaged", "f-child.orig.vhd.gz");
        var path = Path.Combine(dir, "f-child.orig.vhd");
        var bytes = File.ReadAllBytes(path);
        var header = bytes.AsSpan(VhdFooter.Size, DynamicHeader.Size);
        var name = header.Slice(DynamicHeader.Off.ParentName, 512);
        name.Clear();
        Encoding.BigEndianUnicode.GetBytes(Hostile).CopyTo(name);
        BinaryPrimitives.WriteUInt32BigEndian(header[DynamicHeader.Off.Checksum..], VhdChecksum.Compute(header, DynamicHeader.Off.Checksum));
        File.WriteAllBytes(path, bytes);

        foreach (var args in new[] { new[] { "vhd", "info", path }, ["vhd", "check", path] })
        {
            var r = Support.Cli.Run(args);
            var all = r.Out + r.Err;
            Assert.DoesNotContain(all, c => (c < 0x20 && c is not ('\n' or '\t' or '\r')) || c == '\u202E');
            Assert.Contains("\\u001B]0;owned\\u0007", r.Out);
        }

        var json = Support.Cli.Run("vhd", "info", path, "--json").Json();
        Assert.Equal(Hostile, json.GetProperty("header").GetProperty("parent_name").GetString());
    }
}
