using System.Text.Json;
using SrRescue.Tests.Support;

namespace SrRescue.Tests.Fuzz;

/// <summary>
/// The metadata-text mutations reach the parser (the checksums they rewrite match) and each is
/// named by a finding: a harness whose damage the tool never sees would prove nothing.
/// </summary>
public sealed class MetadataTextMutationTests
{
    public static TheoryData<string> Variants => new(MetadataTextMutation.Variants);

    [Theory]
    [MemberData(nameof(Variants))]
    public void Each_text_mutation_is_applied_and_found(string variant)
    {
        var image = Fixtures.CopyOfImage("lost_vdi");
        using (var f = new FileStream(image, FileMode.Open, FileAccess.ReadWrite))
        {
            Assert.True(MetadataTextMutation.Apply(f, 4096, variant, new Random(1)));
        }

        var r = Support.Cli.Run("scan", image, "--json");
        Assert.True(r.ExitCode is 0 or 1, r.Err);
        var json = r.Json();
        var codes = json.GetProperty("findings").EnumerateArray()
            .Where(x => x.GetProperty("severity").GetString() != "info").Select(x => x.GetProperty("code").GetString()!).ToList();
        // The slot's CRC matches the new text: no checksum finding, the parser meets the damage.
        Assert.DoesNotContain("lvm.copy.checksum", codes);
        Assert.True(codes.Count > 0, $"{variant}: no finding ({string.Join(", ", json.GetProperty("findings").EnumerateArray().Select(x => x.GetProperty("code").GetString()))})");
    }
}
