using System.Text;
using SrRescue.Diagnostics;
using SrRescue.Lvm.Text;

namespace SrRescue.Tests.Lvm.Text;

/// <summary>One test per grammar rule of lvm2.md 3.1, on input that is valid for LVM.</summary>
public class ConfigParserTests
{
    private static ConfigSection ParseClean(string text, long baseOffset = 0)
    {
        var log = new FindingLog();
        var root = ConfigParser.Parse(Encoding.UTF8.GetBytes(text), baseOffset, log, "t");
        Assert.Empty(log);
        return root;
    }

    private static ConfigScalar Scalar(ConfigSection root, string key) =>
        Assert.IsType<ConfigScalar>(root.FindValue(key)?.Scalar);

    [Fact]
    public void Comments_are_skipped_to_end_of_line()
    {
        var root = ParseClean("# first\na = 1 # trailing\n# b = 2\nc = 3#tight\n#");
        Assert.Equal(["a", "c"], root.Entries.Select(e => e.Key));
        Assert.Equal("3", Scalar(root, "c").Text);
    }

    [Fact]
    public void Hash_inside_strings_is_data()
    {
        var root = ParseClean("a = \"x # y\"\ntags = [\"t#1\", 'q#']\n");
        Assert.Equal("x # y", Scalar(root, "a").Text);
        Assert.Equal(["t#1", "q#"], root.FindValue("tags")!.Items.Select(i => i.Text));
    }

    [Fact]
    public void Double_quoted_strings_unescape_only_quote_and_backslash()
    {
        var root = ParseClean("a = \"say \\\"hi\\\" c:\\\\dir \\n \\t end\\\\\"");
        Assert.Equal("say \"hi\" c:\\dir \\n \\t end\\", Scalar(root, "a").Text);
    }

    [Fact]
    public void Single_quoted_strings_have_no_escapes()
    {
        var root = ParseClean("a = 'x\\\"y' b = 'two\nlines'");
        Assert.Equal("x\\\"y", Scalar(root, "a").Text);
        Assert.Equal("two\nlines", Scalar(root, "b").Text);
    }

    [Fact]
    public void Bare_word_after_assign_is_a_string()
    {
        var root = ParseClean("policy = normal\nb = x.y-z");
        Assert.Equal(new ConfigScalar(ConfigScalarKind.Text, "normal", 9), Scalar(root, "policy"));
        Assert.Equal("x.y-z", Scalar(root, "b").Text);
    }

    [Theory]
    [InlineData("-1", -1)]
    [InlineData("+7", 7)]
    [InlineData("0", 0)]
    [InlineData("8192", 8192)]
    [InlineData("-9223372036854775808", long.MinValue)]
    public void Signed_integers(string token, long expected)
    {
        var s = Scalar(ParseClean($"v = {token}"), "v");
        Assert.Equal(ConfigScalarKind.IntegerNumber, s.Kind);
        Assert.Equal(token, s.Text);
        Assert.True(s.TryGetInt64(out var v));
        Assert.Equal(expected, v);
    }

    [Theory]
    [InlineData("0755", 493)]
    [InlineData("-010", -8)]
    [InlineData("00", 0)]
    [InlineData("089", 0)] // strtoll base 0 stops at the first non-octal digit
    [InlineData("0129", 10)]
    public void Leading_zero_is_octal_like_strtoll_base_0(string token, long expected)
    {
        var s = Scalar(ParseClean($"v = {token}"), "v");
        Assert.True(s.TryGetInt64(out var v));
        Assert.Equal(expected, v);
        Assert.Equal(token, s.Text); // the writer reproduces the token
    }

    [Theory]
    [InlineData("1.5")]
    [InlineData("-0.25")]
    [InlineData(".5")]
    [InlineData("3.")]
    public void A_dot_makes_a_float_kept_as_text(string token)
    {
        var s = Scalar(ParseClean($"v = {token}"), "v");
        Assert.Equal(ConfigScalarKind.FloatNumber, s.Kind);
        Assert.Equal(token, s.Text);
        Assert.Null(s.IntegerValue);
    }

    [Fact]
    public void U64_max_is_kept_without_finding()
    {
        var s = Scalar(ParseClean("v = 18446744073709551615"), "v");
        Assert.Equal((Int128)ulong.MaxValue, s.IntegerValue);
        Assert.False(s.TryGetInt64(out _));
        Assert.Equal("18446744073709551615", s.Text);
    }

    [Fact]
    public void Empty_arrays()
    {
        var root = ParseClean("flags = []\ntags = [ ]");
        foreach (var key in new[] { "flags", "tags" })
        {
            var v = root.FindValue(key)!;
            Assert.True(v.IsArray);
            Assert.Empty(v.Items);
            Assert.Null(v.Scalar);
        }
    }

    [Fact]
    public void Arrays_without_commas_and_across_lines()
    {
        var root = ParseClean("stripes = [\n\"pv0\" 0\n\"pv1\", 4\n]\nn = [1 2 3]");
        var items = root.FindValue("stripes")!.Items;
        Assert.Equal(["pv0", "0", "pv1", "4"], items.Select(i => i.Text));
        Assert.Equal([ConfigScalarKind.Text, ConfigScalarKind.IntegerNumber, ConfigScalarKind.Text, ConfigScalarKind.IntegerNumber],
            items.Select(i => i.Kind));
        Assert.All(root.FindValue("n")!.Items, i => Assert.Equal(ConfigScalarKind.IntegerNumber, i.Kind));
    }

    [Fact]
    public void Quoted_keys()
    {
        var root = ParseClean("\"odd key\" = 1\n'sect ion' { \"a=b\" = 2 }");
        Assert.Equal("1", Scalar(root, "odd key").Text);
        Assert.Equal("2", Scalar(root.FindSection("sect ion")!, "a=b").Text);
    }

    [Fact]
    public void Numbers_only_after_assign_bracket_or_comma()
    {
        // In key position "123" is a bare word, not a number.
        var root = ParseClean("123 = 4\n-x { }");
        Assert.Equal("4", Scalar(root, "123").Text);
        Assert.NotNull(root.FindSection("-x"));
    }

    [Fact]
    public void Nul_ends_the_input()
    {
        var root = ParseClean("a = 1\nb = \"x\"\n\0c = 2 {{{ garbage");
        Assert.Equal(["a", "b"], root.Entries.Select(e => e.Key));
    }

    [Fact]
    public void Duplicate_keys_are_kept_and_lookup_returns_the_first()
    {
        var root = ParseClean("a = 1\nb { }\na = 2\nb { x = 1 }");
        Assert.Equal(["a", "b", "a", "b"], root.Entries.Select(e => e.Key));
        Assert.Equal("1", Scalar(root, "a").Text);
        Assert.Empty(root.FindSection("b")!.Entries);
    }

    [Fact]
    public void Unknown_keys_are_kept_in_order()
    {
        var root = ParseClean("vg {\nid = \"x\"\nfuture_key = \"?\"\nseqno = 1\nfuture_section { z = [] }\n}");
        Assert.Equal(["id", "future_key", "seqno", "future_section"], root.FindSection("vg")!.Entries.Select(e => e.Key));
    }

    [Fact]
    public void Any_c_isspace_separates_tokens()
    {
        var root = ParseClean("a\t=\v1\r\nb\f=\t[\"x\"\r,\n\"y\"]\r\n");
        Assert.Equal("1", Scalar(root, "a").Text);
        Assert.Equal(2, root.FindValue("b")!.Items.Count);
    }

    [Fact]
    public void Nested_sections()
    {
        var root = ParseClean("vg { physical_volumes { pv0 { pe_count = 15 } } }");
        var pv0 = root.FindSection("vg")!.FindSection("physical_volumes")!.FindSection("pv0")!;
        Assert.True(pv0.FindValue("pe_count")!.TryGetInt64(out var n));
        Assert.Equal(15, n);
    }

    [Fact]
    public void Every_node_and_scalar_remembers_its_absolute_offset()
    {
        const string text = "vg {\n\tid = \"u\"\n\tlist = [\"a\", 7]\n}\n";
        var root = ParseClean(text, baseOffset: 4096);
        var vg = root.FindSection("vg")!;
        Assert.Equal(4096, root.Offset);
        Assert.Equal(4096 + text.IndexOf("vg {", StringComparison.Ordinal), vg.Offset);
        Assert.Equal(4096 + text.IndexOf("id =", StringComparison.Ordinal), vg.FindValue("id")!.Offset);
        Assert.Equal(4096 + text.IndexOf("\"u\"", StringComparison.Ordinal), vg.FindValue("id")!.Scalar!.Value.Offset);
        var list = vg.FindValue("list")!;
        Assert.Equal(4096 + text.IndexOf("\"a\"", StringComparison.Ordinal), list.Items[0].Offset);
        Assert.Equal(4096 + text.IndexOf('7'), list.Items[1].Offset);
    }

    [Fact]
    public void Non_ascii_text_is_utf8()
    {
        var root = ParseClean("description = \"réparé ✓\"");
        Assert.Equal("réparé ✓", Scalar(root, "description").Text);
    }

    [Fact]
    public void String_overload_gives_the_same_tree()
    {
        const string text = "a = 1\nb { c = [\"x\"] }";
        var log = new FindingLog();
        Assert.True(ConfigParser.Parse(text, 10, log).ContentEquals(ParseClean(text, 10)));
        Assert.Empty(log);
    }

    [Fact]
    public void Caller_errors_throw_argument_exceptions()
    {
        Assert.Throws<ArgumentNullException>(() => ConfigParser.Parse("a = 1"u8, 0, null!));
        Assert.Throws<ArgumentOutOfRangeException>(() => ConfigParser.Parse("a = 1"u8, -1, new FindingLog()));
        Assert.Throws<ArgumentOutOfRangeException>(() => ConfigParser.Parse("a = 1"u8, long.MaxValue - 2, new FindingLog()));
    }
}
