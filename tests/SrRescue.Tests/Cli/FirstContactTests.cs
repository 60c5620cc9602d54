using SrRescue.Tests.Support;

namespace SrRescue.Tests.Cli;

/// <summary>
/// What a new user hits in the first minutes (issue 10, item 11): plain messages for a wrong path,
/// a misspelt option or an output that would overwrite something, help that names the real
/// command and shows examples, and a README whose install line is the one CI uses.
/// </summary>
public sealed class FirstContactTests
{
    [Fact]
    public void A_directory_as_source_is_named_as_a_directory()
    {
        var dir = Fixtures.NewTempDir();
        var r = Support.Cli.Run("scan", dir);
        Assert.Equal(3, r.ExitCode);
        Assert.Contains($"the source {dir} is a directory", r.Err);
        Assert.DoesNotContain("denied", r.Err, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void A_missing_source_says_it_does_not_exist()
    {
        var r = Support.Cli.Run("history", "/nonexistent/disk.img");
        Assert.Equal(3, r.ExitCode);
        Assert.Contains("the source /nonexistent/disk.img does not exist", r.Err);
    }

    [Theory]
    [InlineData("scan", "--bogus")]
    [InlineData("vhd", "info", "--bogus")]
    [InlineData("partitions", "--bogus")]
    public void An_unknown_option_is_a_usage_error_not_a_missing_file(params string[] args)
    {
        var r = Support.Cli.Run(args);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("unknown option --bogus", r.Err);
        Assert.Contains($"Usage: srrescue {string.Join(' ', args[..^1])} ", r.Err);
    }

    [Fact]
    public void Output_equal_to_the_source_is_a_usage_error()
    {
        var image = Fixtures.CopyOfImage("lost_vdi");
        var before = File.ReadAllBytes(image).Length;
        var r = Support.Cli.Run("export", image, "--lv", "MGT", "-o", image);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("is one of the sources", r.Err);
        Assert.Equal(before, new FileInfo(image).Length);
    }

    [Fact]
    public void A_hard_link_or_symlink_to_the_source_as_output_is_refused_by_inode()
    {
        var image = Fixtures.CopyOfImage("lost_vdi");
        var dir = Path.GetDirectoryName(image)!;
        var hard = Path.Combine(dir, "hard.img");
        Assert.Equal(0, ExternalTool.Run("ln", [image, hard]).ExitCode);
        var sym = Path.Combine(dir, "sym.img");
        File.CreateSymbolicLink(sym, image);

        foreach (var link in new[] { hard, sym })
        {
            var r = Support.Cli.Run("export", image, "--lv", "MGT", "-o", link, "--force");
            Assert.Equal(2, r.ExitCode);
            Assert.Contains("is the same file as the source", r.Err);
            Assert.Contains("inode", r.Err);
        }
    }

    [Fact]
    public void An_existing_output_names_force()
    {
        var image = Fixtures.Image("lost_vdi");
        var existing = Path.Combine(Fixtures.NewTempDir(), "mgt.bin");
        File.WriteAllText(existing, "keep me");
        var r = Support.Cli.Run("export", image, "--lv", "MGT", "-o", existing);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("already exists; give --force", r.Err);
        Assert.Equal("keep me", File.ReadAllText(existing));
    }

    [Fact]
    public void A_fixed_vhd_made_by_qemu_img_shows_no_data_offset_as_none()
    {
        var dir = Fixtures.NewTempDir();
        var raw = Path.Combine(dir, "disk.raw");
        File.WriteAllBytes(raw, new byte[4 << 20]);
        var vhd = Path.Combine(dir, "fixed.vhd");
        var made = ExternalTool.Run("qemu-img", ["convert", "-f", "raw", "-O", "vpc", "-o", "subformat=fixed", raw, vhd]);
        Assert.True(made.ExitCode == 0, made.All);

        var text = Support.Cli.Run("vhd", "info", vhd);
        Assert.Contains("data offset none (fixed VHD)", text.Out);
        Assert.DoesNotContain("18446744073709551615", text.Out);
        var json = Support.Cli.Json("vhd", "info", vhd);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, json.GetProperty("footer").GetProperty("data_offset").ValueKind);
    }

    [Fact]
    public void Help_names_the_real_command_and_shows_examples()
    {
        var root = Support.Cli.Run("--help");
        Assert.Contains("Examples:", root.Out);
        Assert.Contains("srrescue doctor /dev/sdb", root.Out);
        Assert.Contains("srrescue [command] [options]", root.Out);
        var info = Support.Cli.Run("vhd", "info", "--help");
        Assert.Contains("srrescue vhd info <FILE> [options]", info.Out);
    }

    /// <summary>The command names listed under "Commands:" in a help text.</summary>
    private static List<string> ListedCommands(string help) =>
        [.. help.Split('\n').SkipWhile(l => !l.StartsWith("Commands:", StringComparison.Ordinal)).Skip(1)
            .TakeWhile(l => l.StartsWith("  ", StringComparison.Ordinal)).Select(l => l.Trim().Split(' ')[0]).Where(n => n.Length > 0 && char.IsAsciiLetterLower(n[0]))];

    [Fact]
    public void Every_command_help_shows_an_example_of_itself()
    {
        var paths = ListedCommands(Support.Cli.Run("--help").Out).SelectMany(c => c is "vhd" or "qcow2" or "plan"
            ? ListedCommands(Support.Cli.Run(c, "--help").Out).Select(s => $"{c} {s}") : [c]).ToList();
        Assert.True(paths.Count >= 16, string.Join(", ", paths));
        foreach (var path in paths)
        {
            var help = Support.Cli.Run([.. path.Split(' '), "--help"]).Out;
            Assert.Contains("Example", help, StringComparison.Ordinal);
            Assert.Contains($"srrescue {path} ", help, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Doctor_takes_no_pv_search()
    {
        // gpt_local_sr's PV sits inside a partition whose table is gone: the search finds it,
        // and --no-pv-search takes the disk as the PV itself, which has no label at byte 0.
        var image = Fixtures.Image("gpt_local_sr");
        var searched = Support.Cli.Json("doctor", image);
        Assert.StartsWith("VG_XenStorage-", searched.GetProperty("vg").GetString());
        var notSearched = Support.Cli.Run("doctor", image, "--no-pv-search", "--json");
        Assert.Equal(1, notSearched.ExitCode);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, notSearched.Json().GetProperty("vg").ValueKind);
    }

    [Fact]
    public void The_readme_install_line_has_every_package_ci_installs()
    {
        var repo = RepoRoot();
        var ci = File.ReadAllText(Path.Combine(repo, ".ci", "run"));
        var packages = System.Text.RegularExpressions.Regex.Matches(ci, @"need\+=\(([a-z0-9-]+)\)").Select(m => m.Groups[1].Value).ToList();
        Assert.Contains("fdisk", packages);
        var readme = File.ReadAllLines(Path.Combine(repo, "README.md"));
        var install = Assert.Single(readme, l => l.Contains("apt-get install -y", StringComparison.Ordinal));
        Assert.All(packages, p => Assert.Contains($" {p}", install));
    }

    [Fact]
    public void The_build_output_has_a_program_called_srrescue()
    {
        // tests/SrRescue.Tests/bin/<configuration>/net10.0 -> src/SrRescue.Cli/bin/<configuration>/net10.0
        var framework = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/'));
        var configuration = framework.Parent!.Name;
        var program = Path.Combine(RepoRoot(), "src", "SrRescue.Cli", "bin", configuration, framework.Name, "srrescue");
        Assert.True(File.Exists(program), program);
        var r = ExternalTool.Run(program, ["--help"]);
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("srrescue [command] [options]", r.StdOut);
    }

    private static string RepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "SrRescue.sln")))
            {
                return d.FullName;
            }
        }

        throw new InvalidOperationException("the repository root (SrRescue.sln) is not above the test folder");
    }
}
