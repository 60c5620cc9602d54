using System.IO.Compression;
using System.Text;
using SrRescue.Diagnostics;
using SrRescue.Lvm.Model;
using SrRescue.Lvm.Text;

namespace SrRescue.Tests.Lvm.Text;

/// <summary>
/// The real lvm2 2.03.16 artifacts in tests/fixtures/lvm-samples (see the README there), copied
/// to the output folder by the test project.
/// </summary>
internal static class LvmSamples
{
    public const string S2Backup = "s2_vgcfgbackup.vg";
    public const string S2Current = "s2_current_without_small.vg";
    public const string S2RestoreSmall = "s2_restore_small.vg";
    public const string S1Backup = "s1_vgcfgbackup.vg";
    public const string S2Archive = "vgtwo_00005-1941848942.vg";

    private static readonly Lazy<List<(long Offset, byte[] Text)>> Copies = new(LoadWrappedCopies);

    public static string Dir => Path.Combine(AppContext.BaseDirectory, "fixtures", "lvm-samples");

    public static IEnumerable<string> VgFileNames =>
        Directory.GetFiles(Dir, "*.vg").Select(p => Path.GetFileName(p)!).Order(StringComparer.Ordinal);

    public static byte[] Bytes(string name) => File.ReadAllBytes(Path.Combine(Dir, name));

    public static string Text(string name) => Encoding.UTF8.GetString(Bytes(name));

    /// <summary>
    /// The 741 on-disk copies pvck extracted from the wrapped ring (seqno 753…1493), each with
    /// its byte offset in the uncompressed dump.
    /// </summary>
    public static IReadOnlyList<(long Offset, byte[] Text)> WrappedCopies => Copies.Value;

    public static ConfigSection Parse(string text, FindingLog? log = null) =>
        ConfigParser.Parse(Encoding.UTF8.GetBytes(text), 0, log ?? new FindingLog(), "test");

    /// <summary>Parses and reads a VG, failing the test on any Error finding.</summary>
    public static VgMetadata Model(string text)
    {
        var log = new FindingLog();
        var vg = VgMetadataReader.Read(Parse(text, log), log, 0, "test");
        Assert.DoesNotContain(log, f => f.Severity == Severity.Error);
        return Assert.IsType<VgMetadata>(vg);
    }

    public static VgMetadata ModelOf(string sampleName) => Model(Text(sampleName));

    private static List<(long Offset, byte[] Text)> LoadWrappedCopies()
    {
        using var gz = new GZipStream(File.OpenRead(Path.Combine(Dir, "s1_wrapped_all_copies.txt.gz")), CompressionMode.Decompress);
        using var ms = new MemoryStream();
        gz.CopyTo(ms);
        var all = ms.ToArray();
        var separator = "\n--\n"u8;
        var copies = new List<(long Offset, byte[] Text)>();
        var start = 0;
        while (true)
        {
            var hit = all.AsSpan(start).IndexOf(separator);
            var end = hit < 0 ? all.Length : start + hit + 1; // keep the copy's last newline
            copies.Add((start, all[start..end]));
            if (hit < 0)
            {
                break;
            }

            start += hit + separator.Length;
        }

        return copies;
    }
}
