using System.Text;
using SrRescue.Diagnostics;
using SrRescue.Lvm.Text;

namespace SrRescue.Tests.Lvm.Text;

/// <summary>
/// Each kind of syntax error: its finding code and byte offset (base offset + index in the text),
/// and that the parser keeps what it can.
/// </summary>
public class ConfigParserErrorTests
{
    private const long Base = 1_000_000;

    private static (ConfigSection Root, IReadOnlyList<Finding> Findings) Parse(string text)
    {
        var log = new FindingLog();
        var root = ConfigParser.Parse(Encoding.UTF8.GetBytes(text), Base, log, "copy@1M");
        return (root, log.Snapshot());
    }

    private static Finding Single(IReadOnlyList<Finding> findings, string code, long index)
    {
        var f = Assert.Single(findings);
        Assert.Equal(code, f.Code);
        Assert.Equal(Severity.Error, f.Severity);
        Assert.Equal(Base + index, f.Offset);
        Assert.Equal("metadata text", f.Structure);
        Assert.Equal("copy@1M", f.Source);
        return f;
    }

    [Fact]
    public void Unexpected_close_is_skipped()
    {
        var (root, findings) = Parse("a = 1\n}\nb = 2");
        Single(findings, "lvm.text.unexpected-close", 6);
        Assert.Equal(["a", "b"], root.Entries.Select(e => e.Key));
    }

    [Fact]
    public void Unclosed_sections_are_closed_at_the_end()
    {
        const string text = "vg {\nid = \"x\"\npvs {\npv0 { a = 1 }\n";
        var (root, findings) = Parse(text);
        Assert.Equal(2, findings.Count);
        Assert.All(findings, f => Assert.Equal("lvm.text.unclosed-section", f.Code));
        Assert.All(findings, f => Assert.Equal(Base + text.Length, f.Offset));
        var vg = root.FindSection("vg")!;
        Assert.Equal("x", vg.FindValue("id")!.AsString());
        Assert.NotNull(vg.FindSection("pvs")!.FindSection("pv0"));
    }

    [Fact]
    public void Key_without_assign_is_dropped_and_the_next_token_read_as_a_key()
    {
        var (root, findings) = Parse("lonely\nb = 2");
        Single(findings, "lvm.text.expected-assign", 7);
        Assert.Equal(["b"], root.Entries.Select(e => e.Key));
    }

    [Fact]
    public void Missing_value()
    {
        var (root, findings) = Parse("s { a = }\nt = 1");
        Single(findings, "lvm.text.missing-value", 8);
        Assert.Empty(root.FindSection("s")!.Entries);
        Assert.NotNull(root.FindValue("t"));
    }

    [Fact]
    public void Assign_then_brace_is_read_as_a_section()
    {
        var (root, findings) = Parse("s = { a = 1 }");
        Single(findings, "lvm.text.missing-value", 4);
        Assert.NotNull(root.FindSection("s")!.FindValue("a"));
    }

    [Fact]
    public void Unclosed_array_before_a_key_resyncs_on_that_key()
    {
        var (root, findings) = Parse("a = [1, 2\nb = 3");
        Single(findings, "lvm.text.unclosed-array", 10);
        Assert.Equal(["1", "2"], root.FindValue("a")!.Items.Select(i => i.Text));
        Assert.Equal("3", root.FindValue("b")!.Scalar!.Value.Text);
    }

    [Fact]
    public void Unclosed_array_before_a_brace()
    {
        var (root, findings) = Parse("s { a = [\"x\" }\nb = 1");
        Single(findings, "lvm.text.unclosed-array", 13);
        Assert.Single(root.FindSection("s")!.FindValue("a")!.Items);
        Assert.NotNull(root.FindValue("b"));
    }

    [Fact]
    public void Unterminated_string_runs_to_the_end()
    {
        var (root, findings) = Parse("a = 1\nb = \"abc\ndef");
        Single(findings, "lvm.text.unterminated-string", 10);
        Assert.Equal("abc\ndef", root.FindValue("b")!.AsString());
    }

    [Fact]
    public void Unterminated_string_ending_in_backslash()
    {
        var (root, findings) = Parse("b = \"abc\\");
        Single(findings, "lvm.text.unterminated-string", 4);
        Assert.Equal("abc\\", root.FindValue("b")!.AsString());
    }

    [Theory]
    [InlineData("v = 12abc", "12abc")]
    [InlineData("v = 1.2.3", "1.2.3")]
    [InlineData("v = -", "-")]
    [InlineData("v = 0x1F", "0x1F")]
    [InlineData("v = +.", "+.")]
    public void Bad_numbers_are_kept_as_strings(string text, string kept)
    {
        var (root, findings) = Parse(text);
        Single(findings, "lvm.text.bad-number", 4);
        Assert.Equal(new ConfigScalar(ConfigScalarKind.Text, kept, Base + 4), root.FindValue("v")!.Scalar);
    }

    [Theory]
    [InlineData("a = [,1]", 5)]
    [InlineData("a = [1,,2]", 7)]
    [InlineData("a = [1,]", 7)]
    public void Stray_commas(string text, int index)
    {
        var (root, findings) = Parse(text);
        Single(findings, "lvm.text.stray-comma", index);
        Assert.All(root.FindValue("a")!.Items, i => Assert.Equal(ConfigScalarKind.IntegerNumber, i.Kind));
    }

    [Fact]
    public void Unexpected_token_in_key_position()
    {
        var (root, findings) = Parse("] a = 1");
        Single(findings, "lvm.text.unexpected-token", 0);
        Assert.NotNull(root.FindValue("a"));
    }

    [Fact]
    public void Unexpected_token_inside_an_array()
    {
        var (root, findings) = Parse("a = [1 [ 2]");
        Single(findings, "lvm.text.unexpected-token", 7);
        Assert.Equal(2, root.FindValue("a")!.Items.Count);
    }

    [Fact]
    public void Integer_beyond_64_bits_is_a_warning_and_kept()
    {
        var digits = new string('9', 30);
        var log = new FindingLog();
        var root = ConfigParser.Parse(Encoding.ASCII.GetBytes($"v = {digits}"), Base, log, null);
        var f = Assert.Single(log);
        Assert.Equal(("lvm.text.int-range", Severity.Warning, Base + 4), (f.Code, f.Severity, f.Offset));
        Assert.Equal(digits, root.FindValue("v")!.Scalar!.Value.Text);
    }

    [Fact]
    public void Nesting_deeper_than_the_limit_is_skipped()
    {
        var depth = Limits.MaxConfigDepth + 5;
        var text = string.Concat(Enumerable.Repeat("s {\n", depth)) + "deep = 1\n" +
            string.Concat(Enumerable.Repeat("}\n", depth)) + "after = 2";
        var (root, findings) = Parse(text);
        var f = Single(findings, "lvm.text.too-deep", 4 * Limits.MaxConfigDepth);
        Assert.Contains("nested deeper", f.Message);
        var levels = 0;
        for (var s = root.FindSection("s"); s is not null; s = s.FindSection("s"))
        {
            levels++;
        }

        Assert.Equal(Limits.MaxConfigDepth, levels);
        Assert.NotNull(root.FindValue("after"));
    }

    [Fact]
    public void Node_limit_stops_the_parse_and_keeps_what_was_read()
    {
        var log = new FindingLog();
        var root = ConfigParser.Parse("a = 1\nb = [1, 2, 3]\nc = 4\n"u8, Base, log, null, maxNodes: 4);
        var f = Assert.Single(log);
        Assert.Equal(("lvm.text.too-many-nodes", Base + 17), (f.Code, f.Offset));
        Assert.Equal(["a", "b"], root.Entries.Select(e => e.Key));
        Assert.Equal(2, root.FindValue("b")!.Items.Count);
    }

    [Fact]
    public void Too_many_syntax_errors_stop_the_parse_with_one_more_finding()
    {
        var text = new string(']', 5000) + "\na = 1";
        var (root, findings) = Parse(text);
        Assert.Equal(ConfigParser.MaxSyntaxErrors + 1, findings.Count);
        Assert.Equal("lvm.text.too-many-errors", findings[^1].Code);
        Assert.Equal(Base + ConfigParser.MaxSyntaxErrors, findings[^1].Offset);
        Assert.Empty(root.Entries);
    }

    [Fact]
    public void Garbage_after_a_valid_section_keeps_the_section()
    {
        var (root, findings) = Parse("vg { id = \"x\" }\n=== ]]] {{ \"unterminated");
        Assert.NotEmpty(findings);
        Assert.Equal("x", root.FindSection("vg")!.FindValue("id")!.AsString());
    }
}
