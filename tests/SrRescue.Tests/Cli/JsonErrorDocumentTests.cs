using System.Text.Json;
using SrRescue.Tests.Support;

namespace SrRescue.Tests.Cli;

/// <summary>
/// Under --json stdout holds exactly one document, also when the command stops before its report
/// (issue 15 item 3): a VHD with no footer, a chain whose parent is missing, a usage error. The
/// document has the command's schema and an error object with the exit code and the finding.
/// </summary>
public sealed class JsonErrorDocumentTests
{
    private static JsonElement Error(Support.Cli.Result r, string schema, int exitCode)
    {
        Assert.Equal(exitCode, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Out);
        Assert.Equal(schema, doc.RootElement.GetProperty("schema").GetString());
        var error = doc.RootElement.GetProperty("error").Clone();
        Assert.Equal(exitCode, error.GetProperty("exit_code").GetInt32());
        return error;
    }

    [Fact]
    public void A_vhd_without_footer_gives_the_finding_as_a_document()
    {
        var dir = Fixtures.NewTempDir();
        var vhd = Path.Combine(dir, "cut.vhd");
        File.Copy(Fixtures.Image("vhd_damaged", "f-child.orig.vhd"), vhd);
        using (var f = new FileStream(vhd, FileMode.Open))
        {
            f.SetLength(300); // part of the footer copy: no footer anywhere
        }

        var r = Support.Cli.Run("vhd", "repair", vhd, "-o", Path.Combine(dir, "out.vhd"), "--json");
        var error = Error(r, "srrescue.vhd-repair/1", 1);
        Assert.Equal("data", error.GetProperty("kind").GetString());
        Assert.Equal("vhd.no-footer", error.GetProperty("code").GetString());
        Assert.Equal(0, error.GetProperty("offset").GetInt64());
        Assert.Contains("vhd.no-footer", r.Err);
        Assert.False(File.Exists(Path.Combine(dir, "out.vhd")));
    }

    [Fact]
    public void A_missing_parent_without_allow_missing_parent_gives_a_document_with_the_chain_finding()
    {
        var dir = Fixtures.NewTempDir();
        var child = Path.Combine(dir, "f-child.vhd");
        File.Copy(Fixtures.Image("vhd_damaged", "f-child.orig.vhd"), child); // its parent is not beside it
        var r = Support.Cli.Run("vhd", "convert", child, "-o", Path.Combine(dir, "out.raw"), "--format", "raw", "--json");
        var error = Error(r, "srrescue.vhd-convert/1", 1);
        Assert.Contains("was not found; nothing written", error.GetProperty("message").GetString());
        using var doc = JsonDocument.Parse(r.Out);
        Assert.Contains(doc.RootElement.GetProperty("findings").EnumerateArray(), f => f.GetProperty("code").GetString()!.StartsWith("vhd.chain.", StringComparison.Ordinal));
        Assert.False(File.Exists(Path.Combine(dir, "out.raw")));
    }

    [Fact]
    public void A_usage_error_under_json_is_a_document_too()
    {
        var r = Support.Cli.Run("scan", "/nonexistent.img", "--seqno", "x", "--json");
        var error = Error(r, "srrescue.scan/1", 2);
        Assert.Equal("usage", error.GetProperty("kind").GetString());
    }

    [Fact]
    public void A_missing_source_under_json_is_an_io_document()
    {
        var r = Support.Cli.Run("history", "/nonexistent/disk.img", "--json");
        var error = Error(r, "srrescue.history/1", 3);
        Assert.Equal("io", error.GetProperty("kind").GetString());
        Assert.Contains("does not exist", error.GetProperty("message").GetString());
    }
}
