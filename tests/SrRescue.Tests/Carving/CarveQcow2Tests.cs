using System.Text.Json;
using SrRescue.Carving;
using SrRescue.Diagnostics;
using SrRescue.Io;
using SrRescue.Lvm;
using SrRescue.Recovery;
using SrRescue.Tests.Support;
using SrRescue.Xen;

namespace SrRescue.Tests.Carving;

/// <summary>
/// Issue 12: QCOW2 VDIs whose LV map is lost (fault F4) come back from their own tables. The SR is
/// made by lvm2, qemu-img and qemu-io (<see cref="Qcow2Sr"/>); its metadata is then zeroed or an SR
/// re-created over it; the carve must give each LV the extents lvs gave it, each chain must read as
/// qemu-img converts it, the extents only allocation order places must say Low, and vgcfgrestore
/// must take the carve's file and give the LVs back on those extents.
/// </summary>
public sealed class CarveQcow2Tests(Qcow2Sr sr) : IClassFixture<Qcow2Sr>
{
    private const string NewSr = "9e8d7c6b-5a49-4837-a261-5f4e3d2c1b0a";

    [Theory]
    [InlineData("mda-zeroed")]
    [InlineData("sr-recreated")]
    public void Qcow2_lvs_come_back_on_their_extents_and_read_as_qemu_img_converts_them(string damage)
    {
        var image = sr.Copy();
        var vg = Damage(image, damage);
        var (result, log) = Carve(image);
        AssertRecovered(result, log);

        // The command: every QCOW2 VDI written, and a restore file vgcfgrestore takes.
        var dir = Path.Combine(Fixtures.NewTempDir(), "carved");
        var carve = Support.Cli.Run("carve", image, "-o", dir, "--json");
        Assert.True(carve.ExitCode == 1, carve.Out + carve.Err);
        var json = carve.Json();
        var qcow2 = json.GetProperty("qcow2_vdis").EnumerateArray().ToList();
        Assert.Equal(sr.Vdis.Count, qcow2.Count);
        Assert.All(qcow2, q => Assert.True(File.Exists(q.GetProperty("output").GetString()), q.GetProperty("output").GetString()));
        AssertQcow2Shape(json);
        if (damage == "sr-recreated")
        {
            // The text names what the JSON says of each QCOW2 VDI.
            var text = Support.Cli.Run("carve", image, "-o", Path.Combine(Fixtures.NewTempDir(), "text"));
            foreach (var q in qcow2)
            {
                var facts = new List<string> { q.GetProperty("vdi_uuid").GetString()!, q.GetProperty("uuid_source").GetString()!, q.GetProperty("confidence").GetString()! };
                facts.AddRange(q.GetProperty("segments").EnumerateArray().Select(g => $"{g.GetProperty("le")}:{g.GetProperty("pe")}x{g.GetProperty("count")}"));
                if (q.GetProperty("parent_lv_name").GetString() is { } parent)
                {
                    facts.Add(parent);
                }

                Assert.All(facts, f => Assert.Contains(f, text.Out, StringComparison.Ordinal));
            }
        }

        var file = json.GetProperty("metadata_file").GetString()!;
        using var loop = LoopDevice.Attach(image, readOnly: false);
        if (damage == "mda-zeroed")
        {
            // No label: the PV is made again from the file, as its comment says (lvm2 2.03 refuses
            // this while a label is left whose metadata area is gone).
            var id = System.Text.RegularExpressions.Regex.Match(File.ReadAllText(file), "must carry PV uuid ([A-Za-z0-9-]+)").Groups[1].Value;
            Qcow2Sr.Lvm(loop.Path, "pvcreate", "-ff", "-y", "--uuid", id, "--restorefile", file, loop.Path);
        }

        var test = Lvm2.Run("vgcfgrestore", [loop.Path], "--test", "-f", file, vg);
        Assert.True(test.ExitCode == 0, test.All + File.ReadAllText(file));
        Qcow2Sr.Lvm(loop.Path, "vgcfgrestore", "-f", file, vg);
        var lvs = Qcow2Sr.Segments(loop.Path, vg);
        foreach (var v in sr.Vdis)
        {
            var entry = qcow2.Single(q => q.GetProperty("start_pe").GetInt64() == v.StartPe);
            var name = entry.GetProperty("lv_name").GetString()!;
            Assert.True(lvs.TryGetValue(name, out var segments) && segments.SequenceEqual(v.Segments), $"{name}: {string.Join(" ", lvs.Keys)}");
        }

        Assert.Equal($"QCOW2-{Qcow2Sr.BaseUuid}", qcow2.Single(q => q.GetProperty("start_pe").GetInt64() == sr.Of(Qcow2Sr.BaseUuid).StartPe).GetProperty("lv_name").GetString());
        if (damage == "sr-recreated")
        {
            Assert.Contains("MGT", lvs.Keys);
        }
    }

    [Fact]
    public void Damaged_tables_and_a_lost_extent_give_findings_and_no_wrong_extent_is_high()
    {
        var image = sr.Copy();
        var b = sr.Of(Qcow2Sr.BaseUuid);
        var lone = sr.Of(Qcow2Sr.LoneUuid);
        using (var f = new FileStream(image, FileMode.Open, FileAccess.ReadWrite))
        {
            // Three entries of the base copy's L2 table in its logical extent 1 get a reserved bit set.
            var l2 = b.L2Offsets.Single(o => o / Qcow2Sr.ExtentSizeBytes == 1);
            var at = sr.PeStartBytes + (b.PeOf(1) * Qcow2Sr.ExtentSizeBytes) + (l2 % Qcow2Sr.ExtentSizeBytes);
            var table = new byte[65536];
            f.Position = at;
            f.ReadExactly(table);
            var used = Enumerable.Range(0, 8192).Where(i => table.AsSpan(i * 8, 8).ContainsAnyExcept((byte)0)).Take(3).ToList();
            Assert.Equal(3, used.Count);
            used.ForEach(i => table[i * 8] |= 0x01);
            f.Position = at;
            f.Write(table);

            // The lone VDI's L2 table in its logical extent 1: random bytes.
            var l2Lone = lone.L2Offsets.Single(o => o / Qcow2Sr.ExtentSizeBytes == 1);
            f.Position = sr.PeStartBytes + (lone.PeOf(1) * Qcow2Sr.ExtentSizeBytes) + (l2Lone % Qcow2Sr.ExtentSizeBytes);
            var noise = new byte[65536];
            new Random(12).NextBytes(noise);
            f.Write(noise);
        }

        // A new SR over the old one, whose first LV after MGT took the base copy's logical extent 3 (it holds L2 tables).
        Assert.Contains(3L, b.TableExtents);
        using (var loop = LoopDevice.Attach(image, readOnly: false))
        {
            var vg = "VG_XenStorage-" + NewSr;
            Qcow2Sr.Lvm(loop.Path, "pvcreate", "-ff", "-y", "--metadatasize", "10M", loop.Path);
            Qcow2Sr.Lvm(loop.Path, "vgcreate", "--metadatasize", "10M", vg, loop.Path);
            Qcow2Sr.Lvm(loop.Path, "lvcreate", "-an", "-Zn", "-y", "-n", "MGT", "-l", "1", vg);
            Qcow2Sr.Lvm(loop.Path, "lvcreate", "-an", "-Zn", "-y", "-n", "new", "-l", "1", vg, $"{loop.Path}:{b.PeOf(3)}-{b.PeOf(3)}");
        }

        var (result, log) = Carve(image);
        var describe = Describe(result) + "\n" + string.Join("\n", log.Where(f => f.Code.StartsWith("carve.qcow2.", StringComparison.Ordinal)).Select(f => f.ToString()));
        Assert.Equal(sr.Vdis.Count, result.Qcow2Vdis.Count);
        foreach (var v in sr.Vdis)
        {
            var carved = result.FindQcow2ByStartPe(v.StartPe)!;
            foreach (var x in carved.Carved.Extents.Where(x => x.Confidence == ExtentConfidence.High))
            {
                Assert.True(x.Pe == v.PeOf(x.Le), $"{v.Lv} le {x.Le}: High at {x.Pe}, truly at {v.PeOf(x.Le)}: {string.Join("; ", x.Evidence)}\n{describe}");
            }

            // Damage reads as something (zeros, or wrong bytes the confidence warns of), never as an exception.
            _ = VhdFiles.Sha256(result.OpenChain(carved, log).Disk);
        }

        var baseCopy = result.FindQcow2ByStartPe(b.StartPe)!;
        Assert.True(baseCopy.Carved.Extents[1] is { Confidence: ExtentConfidence.Medium } x1 && x1.Pe == b.PeOf(1), describe);
        Assert.Equal(ExtentConfidence.Low, baseCopy.Carved.Confidence);
        Assert.Equal(ExtentConfidence.Low, result.ChainConfidence(result.FindQcow2ByStartPe(sr.Of(Qcow2Sr.LeafUuid).StartPe)!));
        Assert.Equal(ExtentConfidence.Low, result.FindQcow2ByStartPe(lone.StartPe)!.Carved.Confidence);
        Assert.Contains(log, f => f.Code == "carve.qcow2.table-damaged" && f.Severity == Severity.Warning && f.Message.Contains($"at extent {b.StartPe}:", StringComparison.Ordinal));
        Assert.Contains(log, f => f.Code == "carve.qcow2.table-not-found" && f.Severity == Severity.Error && f.Message.Contains($"at extent {b.StartPe}, logical extent 3", StringComparison.Ordinal));
        Assert.Contains(log, f => f.Code == "carve.qcow2.table-not-found" && f.Severity == Severity.Error && f.Message.Contains($"at extent {lone.StartPe}, logical extent 1", StringComparison.Ordinal));

        // The command carves the same disk to the end, and says the VDIs need care.
        var carve = Support.Cli.Run("carve", image, "-o", Path.Combine(Fixtures.NewTempDir(), "carved"), "--json");
        Assert.True(carve.ExitCode == 1, carve.Out + carve.Err);
        Assert.Equal(sr.Vdis.Count, carve.Json().GetProperty("qcow2_vdis").GetArrayLength());
    }

    /// <summary>
    /// The field names of a QCOW2 entry are pinned as every command's are (JsonShapeTests): the
    /// carve fixture there has no QCOW2 VDI, so its list holds only qcow2_vdis.
    /// </summary>
    private static void AssertQcow2Shape(JsonElement json)
    {
        var paths = new SortedSet<string>(StringComparer.Ordinal);
        SrRescue.Tests.Cli.JsonShapeTests.Collect(json.GetProperty("qcow2_vdis"), "qcow2_vdis", paths);
        var pinned = Path.Combine(RepoPaths.Tests, "Cli", "JsonShapes", "carve-qcow2.txt");
        if (Environment.GetEnvironmentVariable("SRRESCUE_WRITE_SHAPES") == "1")
        {
            File.WriteAllLines(pinned, paths);
        }

        var expected = File.ReadAllLines(pinned).Where(l => l.Length > 0).ToList();
        Assert.True(paths.SetEquals(expected), $"missing {string.Join(", ", expected.Except(paths))}; not pinned {string.Join(", ", paths.Except(expected))}");
    }

    /// <summary>Carves <paramref name="image"/> as the carve command does (names from MGT, which this SR has none of).</summary>
    internal static (CarveResult Result, FindingLog Log) Carve(string image)
    {
        var lvm = LvmInspection.Open([image], null);
        var log = new FindingLog();
        IByteSource pv = lvm.Pvs.PvSources.Count > 0 ? lvm.Pvs.PvSources[0] : FileSource.Open(image);
        var result = Carver.Carve(pv, ExtentGrid.Find(pv, lvm), Carver.ReservedPes(lvm, pv), LvhdFooters.OnLv, log);
        return (CarvedVdiNaming.Name(result, SrInventory.Build(lvm, log).Mgt?.Records ?? [], log), log);
    }

    /// <summary>Fault F4 on a copy: the PV's label and metadata area zeroed, or a new SR's PV and VG made over the old one.</summary>
    private string Damage(string image, string damage)
    {
        if (damage == "mda-zeroed")
        {
            // The label and the metadata area, as sm's dd of a new SR's first 10 MiB leaves them.
            using var f = new FileStream(image, FileMode.Open, FileAccess.Write);
            f.Write(new byte[sr.PeStartBytes]);
            return Qcow2Sr.Vg;
        }

        using var loop = LoopDevice.Attach(image, readOnly: false);
        var vg = "VG_XenStorage-" + NewSr;
        Qcow2Sr.Lvm(loop.Path, "pvcreate", "-ff", "-y", "--metadatasize", "10M", loop.Path);
        Qcow2Sr.Lvm(loop.Path, "vgcreate", "--metadatasize", "10M", vg, loop.Path);
        Qcow2Sr.Lvm(loop.Path, "lvcreate", "-an", "-Zn", "-y", "-n", "MGT", "-l", "1", vg);
        return vg;
    }

    private void AssertRecovered(CarveResult result, FindingLog log)
    {
        var describe = Describe(result);
        Assert.True(result.Qcow2Vdis.Count == sr.Vdis.Count, describe);
        Assert.DoesNotContain(log, f => f.Code.StartsWith("carve.qcow2.", StringComparison.Ordinal) && f.Severity >= Severity.Warning
            && f.Code is not ("carve.qcow2.order-placed" or "carve.qcow2.extent-ambiguous"));
        var twins = new[] { sr.Of(Qcow2Sr.LoneUuid).StartPe, sr.Of(Qcow2Sr.TwinUuid).StartPe };
        foreach (var v in sr.Vdis)
        {
            var carved = result.FindQcow2ByStartPe(v.StartPe);
            Assert.True(carved is not null, $"{v.Lv} at {v.StartPe} not carved\n{describe}");
            Assert.True(v.Segments.SequenceEqual(result.Segments(carved.Carved.Extents).Select(s => (s.Le, s.Pe, s.Count))), $"{v.Lv}\n{describe}");
            Assert.Equal(v.ReferencedExtents, carved.Carved.ReferencedExtents);
            foreach (var x in carved.Carved.Extents)
            {
                // Tables prove their extent; data clusters prove nothing, and the carve says so. The
                // twins' tables fit each other's extents as well: rivals, allocation order chooses.
                var twin = twins.Contains(v.StartPe) && x.Le > 0;
                var want = x.Le == 0 || v.TableExtents.Contains(x.Le) ? (twin ? ExtentConfidence.Medium : ExtentConfidence.High) : ExtentConfidence.Low;
                Assert.True(x.Confidence == want, $"{v.Lv} le {x.Le}: {x.Confidence}, want {want}: {string.Join("; ", x.Evidence)}");
                Assert.True(!(twin && want == ExtentConfidence.Medium) || x.RivalVhdStartPes.SequenceEqual(twins.Where(t => t != v.StartPe)),
                    $"{v.Lv} le {x.Le}: rivals {string.Join(", ", x.RivalVhdStartPes)}");
            }

            Assert.Equal(v.Hidden, carved.IsHidden);
            var chain = result.OpenChain(carved, log);
            Assert.True(chain.IsComplete, chain.MissingBacking);
            Assert.Equal(v.VirtualSize, chain.Disk.Length);
            Assert.True(v.RawSha256 == VhdFiles.Sha256(chain.Disk), $"{v.Lv}: sha differs; chain {string.Join(" < ", chain.MemberNames)}");
            if (v.ParentUuid is { } parent)
            {
                Assert.Equal(parent, carved.BackingVdiUuid);
                Assert.Equal(sr.Of(parent).StartPe, carved.ParentStartPe);
            }
        }

        var b = result.FindQcow2ByStartPe(sr.Of(Qcow2Sr.BaseUuid).StartPe)!;
        Assert.Equal((Qcow2Sr.BaseUuid, VdiUuidSource.ChildBackingFile), (b.VdiUuid, b.UuidSource));
        Assert.All(result.Qcow2Vdis.Where(q => q != b), q => Assert.Equal(VdiUuidSource.Derived, q.UuidSource));
    }

    internal static string Describe(CarveResult r) => string.Join("\n", r.Qcow2Vdis.Select(v =>
        $"{v.LvName} ({v.UuidSource}) {string.Join(" ", r.Segments(v.Carved.Extents).Select(s => $"[{s.Le}:{s.Pe}x{s.Count}]"))} {v.Carved.Confidence} uses {v.Carved.ReferencedExtents}"));
}
