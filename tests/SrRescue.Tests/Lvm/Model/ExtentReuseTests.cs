using SrRescue.Lvm;
using SrRescue.Lvm.Model;

namespace SrRescue.Tests.Lvm.Model;

/// <summary>
/// The extent-reuse rule answers from an index of placements built once per history. Its answers
/// must be those of the rule read literally (every LV of every later usable version, in order,
/// each overlap once with the first version that held it), written out here as the reference,
/// on random histories with resizes, renames, reused names, damaged versions and repeated seqnos.
/// </summary>
public sealed class ExtentReuseTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Answers_as_the_rule_read_literally(int seed)
    {
        var random = new Random(seed);
        var vg = RandomHistory(random, versions: 60);
        var names = vg.Versions.Where(v => v.Summary is not null).SelectMany(v => v.Summary!.Lvs.Select(l => l.Name)).Distinct().ToList();
        var compared = 0;
        var handedOn = 0;
        foreach (var version in vg.Versions)
        {
            foreach (var name in names)
            {
                var expected = Literal(vg, version.Seqno, name);
                var actual = ExtentReuse.Find(vg, version.Seqno, name);
                Assert.Equal(expected, actual);
                var firstTakers = LiteralFirstTakers(vg, version.Seqno, name);
                Assert.Equal(firstTakers, ExtentReuse.TakenBy(vg, version.Seqno, name));
                compared += expected.Count;
                handedOn += expected.Select(c => c.OtherLvName).Distinct().Count() - firstTakers.Count;
            }
        }

        Assert.True(compared > 50, $"only {compared} conflicts: the random histories test too little");
        Assert.True(handedOn > 0, "no LV came onto the extents after a first taker: the first-taker rule is not tested");
    }

    /// <summary>The rule as it reads: later usable versions in order, their LVs in order, their ranges, ours.</summary>
    private static List<RestoreConflict> Literal(VgHistory vg, long fromSeqno, string lvName)
    {
        var result = new List<RestoreConflict>();
        var mine = vg.Find(fromSeqno)?.Summary?.Lvs.FirstOrDefault(l => l.Name == lvName);
        if (mine is null)
        {
            return result;
        }

        var seen = new HashSet<(string, long, string)>();
        foreach (var later in vg.Versions.Where(v => v.IsUsable && v.Seqno > fromSeqno))
        {
            foreach (var other in later.Summary!.Lvs.Where(l => l.Id != mine.Id))
            {
                foreach (var theirs in other.Ranges)
                {
                    foreach (var range in mine.Ranges)
                    {
                        if (range.Intersect(theirs) is { } overlap && seen.Add((overlap.PvId, overlap.FirstPe, other.Name)))
                        {
                            result.Add(new RestoreConflict(lvName, overlap.PvId, overlap.FirstPe, overlap.PeCount, other.Name) { Seqno = later.Seqno });
                        }
                    }
                }
            }
        }

        return result;
    }

    /// <summary>
    /// The first-taker rule as it reads: for each PE of the LV, the first other LV (later usable
    /// versions in order, their LVs in order) that holds it; the names in the order they first took one.
    /// </summary>
    private static List<string> LiteralFirstTakers(VgHistory vg, long fromSeqno, string lvName)
    {
        var mine = vg.Find(fromSeqno)?.Summary?.Lvs.FirstOrDefault(l => l.Name == lvName);
        if (mine is null)
        {
            return [];
        }

        var firstTaking = new Dictionary<(string Pv, long Pe), (int Version, int Position, string Name)>();
        var later = vg.Versions.Select((v, i) => (Version: v, Index: i)).Where(x => x.Version.IsUsable && x.Version.Seqno > fromSeqno).ToList();
        foreach (var range in mine.Ranges)
        {
            for (var pe = range.FirstPe; pe < range.EndPe; pe++)
            {
                var first = later.SelectMany(x => x.Version.Summary!.Lvs.Select((l, position) => (x.Index, position, l)))
                    .FirstOrDefault(t => t.l.Id != mine.Id && t.l.Ranges.Any(r => r.PvId == range.PvId && r.FirstPe <= pe && pe < r.EndPe));
                if (first.l is not null)
                {
                    firstTaking[(range.PvId, pe)] = (first.Index, first.position, first.l.Name);
                }
            }
        }

        return [.. firstTaking.Values.OrderBy(t => t.Version).ThenBy(t => t.Position).Select(t => t.Name).Distinct()];
    }

    /// <summary>
    /// LVs created, removed, resized (a range added), renamed and moved at random over two PVs of
    /// 40 extents, names drawn from a small set so they come back with new ids; now and then a
    /// damaged version or two versions with one seqno.
    /// </summary>
    private static VgHistory RandomHistory(Random random, int versions)
    {
        var lvs = new List<LvPlacement>();
        var list = new List<MetadataVersion>();
        var seqno = 1L;
        var nextId = 0;
        for (var i = 0; i < versions; i++)
        {
            switch (random.Next(5))
            {
                case 0 or 1 when lvs.Count < 8:
                    lvs.Add(new LvPlacement($"lv{random.Next(6)}", $"id{nextId++}", [Range(random)]));
                    break;
                case 2 when lvs.Count > 0:
                    lvs.RemoveAt(random.Next(lvs.Count));
                    break;
                case 3 when lvs.Count > 0:
                    var grown = random.Next(lvs.Count);
                    lvs[grown] = lvs[grown] with { Ranges = [.. lvs[grown].Ranges, Range(random)] };
                    break;
                case 4 when lvs.Count > 0:
                    var renamed = random.Next(lvs.Count);
                    lvs[renamed] = lvs[renamed] with { Name = $"lv{random.Next(6)}" };
                    break;
            }

            var damaged = random.Next(10) == 0;
            list.Add(Version(seqno, [.. lvs], damaged));
            if (random.Next(8) != 0)
            {
                seqno++;
            }
        }

        return new VgHistory("vg-id", "VG_XenStorage-test", list);
    }

    private static PhysicalExtentRange Range(Random random) =>
        new($"pv{random.Next(2)}", random.Next(40), 1 + random.Next(8));

    private static MetadataVersion Version(long seqno, List<LvPlacement> lvs, bool damaged)
    {
        var copy = new MetadataCopy
        {
            Origin = CopyOrigin.Ring,
            Source = "test",
            OffsetBytes = 0,
            SizeBytes = 1,
            Checksum = 0,
            VgName = "VG_XenStorage-test",
            VgId = "vg-id",
            Seqno = seqno,
            Damage = damaged ? "cut short" : null,
            Utf8 = ReadOnlyMemory<byte>.Empty,
        };
        var summary = new MetadataSummary(lvs.Count, null, null, null, lvs.Select(l => l.Name).ToHashSet(), lvs);
        return new MetadataVersion(seqno, "VG_XenStorage-test", "vg-id", 0, [copy], summary, []);
    }
}
