using SrRescue.Carving;
using SrRescue.Diagnostics;
using SrRescue.Lvm;
using SrRescue.Tests.Support;
using SrRescue.Xen;
using Xunit.Abstractions;

namespace SrRescue.Tests.Carving;

/// <summary>
/// Random SRs (real lvm2 allocation, our VHD writer's contents) carved with only the MGT
/// reserved. Every bitmap our writer makes is full and the data random, so nothing in the data
/// tells two VDIs that need the same logical extent apart: there the allocation order decides,
/// and the extent must say so (Medium). What must hold: an extent marked High is right, and a
/// VDI whose extents are all High reads back bit-exact. The counts are printed.
/// </summary>
public sealed class RandomSrCarveTests(ITestOutputHelper output)
{
    [Fact]
    public void Random_srs_are_carved_and_high_confidence_is_never_wrong()
    {
        ExternalTool.Require("vgcreate", "lvm2");
        var dir = Fixtures.NewTempDir();
        var wrongHigh = new List<string>();
        int srs = 0, full = 0, vdis = 0, exact = 0, extents = 0, matched = 0;
        for (var seed = 1; seed <= 8; seed++)
        {
            var sr = RandomSrGenerator.Make(seed, dir);
            using var lvm = LvmInspection.Open([sr.Image], null);
            var log = new FindingLog();
            var pv = lvm.Pvs.PvSources[0];
            var result = Carver.Carve(pv, ExtentGrid.Find(pv, lvm), Carver.ReservedPes(lvm, lv => LvName.Parse(lv).Kind != LvKind.VhdVdi), [], log);
            var allGood = true;
            foreach (var v in sr.Vdis)
            {
                vdis++;
                var carved = result.FindByVhdUuid(v.VhdUuid);
                Assert.NotNull(carved);
                extents += v.Pes.Count;
                for (var k = 0; k < Math.Min(v.Pes.Count, carved.Vhd.Extents.Count); k++)
                {
                    var x = carved.Vhd.Extents[k];
                    matched += x.Pe == v.Pes[k] ? 1 : 0;
                    if (x.Confidence == ExtentConfidence.High && x.Pe != v.Pes[k])
                    {
                        wrongHigh.Add($"seed {seed} {v.LvName} le {k}: High but pe {x.Pe}, truth {v.Pes[k]}: {string.Join("; ", x.Evidence)}");
                    }
                }

                var sha = VhdFiles.Sha256(result.OpenChain(carved, log).Disk);
                var ok = sha == v.RawSha256 && carved.Vhd.Pes.SequenceEqual(v.Pes);
                exact += ok ? 1 : 0;
                allGood &= ok;
                if (carved.Vhd.Confidence == ExtentConfidence.High && !ok)
                {
                    wrongHigh.Add($"seed {seed} {v.LvName}: all extents High but not bit-exact");
                }

                if (!ok)
                {
                    output.WriteLine($"seed {seed} {v.LvName}: truth {string.Join(",", v.Pes)} carved {string.Join(",", carved.Vhd.Pes)} ({carved.Vhd.Confidence})");
                }
            }

            srs++;
            full += allGood ? 1 : 0;
            File.Delete(sr.Image);
        }

        foreach (var w in wrongHigh)
        {
            output.WriteLine(w);
        }

        output.WriteLine($"{full} of {srs} random SRs recovered fully; {exact} of {vdis} VDIs bit-exact; {matched} of {extents} extents placed right");
        Assert.Empty(wrongHigh);
    }
}
