using System.Text.RegularExpressions;
using SrRescue.Tests.Support;

namespace SrRescue.Tests.Architecture;

/// <summary>
/// Issue 11: no string fault id, kind or finding code is compared outside its catalogue
/// (<c>VhdCodes</c>, <c>LvmCodes</c>, <c>SourceCodes</c>, <c>FaultNames</c>): code that acts on a
/// finding names it through a constant, so renaming a code cannot silently break the check.
/// </summary>
public sealed partial class CatalogueTests
{
    [GeneratedRegex("""(\.(Code|Id|Kind|KindId)\s*(==|!=|\bis\b)\s*")|(\.(Code|Id|Kind)\.(StartsWith|EndsWith|Contains|Equals)\(")|((Contains|StartsWith|Any)\("(F[0-9]|VG|SOURCE)")|((Contains|StartsWith|EndsWith|Equals)\("[a-z]+\.[a-z-]+\.?[a-z-]*")|(\bor\s+"[a-z]+\.[a-z-]+)""")]
    private static partial Regex ComparedLiteral();

    private static bool IsCatalogue(string path) =>
        Path.GetFileName(path) is "FaultNames.cs" || Path.GetFileNameWithoutExtension(path).EndsWith("Codes", StringComparison.Ordinal);

    [Fact]
    public void No_code_id_or_kind_is_compared_as_a_string_outside_its_catalogue()
    {
        var files = Directory.EnumerateFiles(RepoPaths.Src, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal) && !IsCatalogue(f)).ToList();
        Assert.True(files.Count > 100, $"only {files.Count} source files found");
        var hits = files.SelectMany(f => File.ReadLines(f).Select((line, i) => (f, i, line)))
            .Where(x => ComparedLiteral().IsMatch(x.line))
            .Select(x => $"{Path.GetRelativePath(RepoPaths.Src, x.f)}:{x.i + 1}: {x.line.Trim()}").ToList();
        Assert.True(hits.Count == 0, string.Join("\n", hits));
    }

    [Theory]
    [InlineData("""var missing = log.Any(f => f.Code == "vhd.chain.parent-missing");""")]
    [InlineData("""if (f.Code.StartsWith("vhd.chain.", StringComparison.Ordinal))""")]
    [InlineData("""var inPlace = !kinds.Contains("F3");""")]
    [InlineData("""var format = vdi.Kind == "vhd" ? "vhd" : "raw";""")]
    [InlineData("""f => f.Code is "vhd.fixed.truncated" """)]
    [InlineData("""f => f.Code is VhdCodes.FooterSizeImplausible or "vhd.fixed.truncated" """)]
    public void The_pattern_catches_what_the_redesign_removed(string line) => Assert.Matches(ComparedLiteral(), line);
}
