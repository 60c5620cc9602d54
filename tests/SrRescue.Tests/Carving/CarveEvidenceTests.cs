using System.Text.RegularExpressions;
using SrRescue.Carving;
using SrRescue.Io;
using SrRescue.Tests.Support;

namespace SrRescue.Tests.Carving;

/// <summary>
/// The evidence of an extent placed is kept as numbers and worded when the report is written
/// (<see cref="ExtentEvidence"/>): the sentences must name the bytes where blktap put the
/// structures. On the sr_recreated fixture (the VHDs written by blktap, the SR re-created over
/// them), every bitmap sentence of a carved extent names the sector the VHD's own BAT puts that
/// block's bitmap at, read through the carved map, and that sector is a bitmap; the batmap
/// sentence names the bytes that hold "tdbatmap".
/// </summary>
public sealed partial class CarveEvidenceTests
{
    [GeneratedRegex(@"^block (\d+): bitmap at byte (\d+), (\d+) of (\d+) data sectors agree$")]
    private static partial Regex BitmapSentence();

    [GeneratedRegex(@"^tdbatmap at byte (\d+)$")]
    private static partial Regex BatmapSentence();

    [Fact]
    public void Each_sentence_names_the_bytes_the_vhd_structures_are_at()
    {
        var (result, _, _) = CarveHarness.Carve("sr_recreated");
        var pv = result.Pv;
        var extent = result.Grid.ExtentSizeBytes;
        var bitmaps = 0;
        var batmaps = 0;
        foreach (var vdi in result.Vdis)
        {
            var bitmapAt = vdi.Vhd.Start.BlocksByOffset().ToDictionary(b => b.Block, b => b.BitmapOffsetBytes);
            foreach (var x in vdi.Vhd.Extents.Where(x => x.Le >= 1 && x.Pe >= 0))
            {
                foreach (var sentence in x.Evidence)
                {
                    if (BitmapSentence().Match(sentence) is { Success: true } b)
                    {
                        var block = int.Parse(b.Groups[1].Value);
                        var at = long.Parse(b.Groups[2].Value);
                        Assert.Equal(result.Grid.OffsetOf(x.Pe) + (bitmapAt[block] - (x.Le * extent)), at);
                        var sector = new byte[512];
                        pv.ReadFullyAt(at, sector);
                        Assert.True(ExtentProbes.MayBeBitmap(sector), $"no bitmap at byte {at}: {sentence}");
                        Assert.True(int.Parse(b.Groups[3].Value) <= int.Parse(b.Groups[4].Value), sentence);
                        bitmaps++;
                    }
                    else if (BatmapSentence().Match(sentence) is { Success: true } m)
                    {
                        var at = long.Parse(m.Groups[1].Value);
                        Assert.Equal(result.Grid.OffsetOf(x.Pe) + (vdi.Vhd.Start.BatmapHeaderOffsetBytes - (x.Le * extent)), at);
                        var cookie = new byte[8];
                        pv.ReadFullyAt(at, cookie);
                        Assert.Equal("tdbatmap"u8.ToArray(), cookie);
                        batmaps++;
                    }
                }
            }
        }

        Assert.True(bitmaps > 0 && batmaps > 0, $"{bitmaps} bitmap and {batmaps} batmap sentences: nothing was checked");
    }
}
