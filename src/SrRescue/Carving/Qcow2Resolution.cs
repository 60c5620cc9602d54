namespace SrRescue.Carving;

/// <summary>Where the resolution put one slot: the extent (-1: none left), how sure, why, and the images that wanted it about as much.</summary>
internal sealed record Qcow2Resolved(long Pe, ExtentConfidence Confidence, double Score, IReadOnlyList<string> Evidence, IReadOnlyList<long> Rivals);

/// <summary>
/// Gives each extent to one image at most, when several images' tables fit it: the slots with the
/// fewest fits choose first (an extent only one slot fits is that slot's), the best fit wins, and
/// of fits about as good (<see cref="Qcow2Fit.Margin"/>) allocation order chooses. A slot is High
/// when its extent is the only one its tables fit and no other image's tables fit that extent
/// about as well; Medium when rivals were ruled out by allocation order only, or its tables are
/// damaged; a slot whose every fit went to others stays unplaced.
/// </summary>
internal static class Qcow2Resolution
{
    public static Dictionary<(Qcow2Start Start, long K), Qcow2Resolved> Resolve(IEnumerable<Qcow2StructurePlan> plans)
    {
        var all = plans.SelectMany(p => p.Slots.Select(s => (Plan: p, Slot: s))).ToList();
        var claims = all.SelectMany(x => x.Slot.Fits.Select(f => (x.Plan, x.Slot, Fit: f))).ToLookup(c => c.Fit.Pe);
        // Slots with fewer fits choose first; of those, the ones whose best fit continues their run:
        // when two images' tables fit one extent equally, it is the one whose LV runs into it.
        var order = all.OrderBy(x => x.Slot.Fits.Count == 0 ? int.MaxValue : x.Slot.Fits.Count)
            .ThenBy(x => x.Slot.Fits.Count > 0 && Qcow2StructurePass.ContinuesRun(x.Plan.Layout.Map, x.Slot.K, x.Slot.Fits.MaxBy(f => f.Score)!.Pe) ? 0 : 1)
            .ThenByDescending(x => x.Slot.Fits.Count == 0 ? 0 : x.Slot.Fits.Max(f => f.Score)).ThenBy(x => x.Plan.Start.Pe).ThenBy(x => x.Slot.K);
        var assigned = new Dictionary<long, (Qcow2Start Start, double Score)>();
        var result = new Dictionary<(Qcow2Start, long), Qcow2Resolved>();
        foreach (var (plan, slot) in order)
        {
            result[(plan.Start, slot.K)] = Decide(plan, slot, claims, assigned);
        }

        return result;
    }

    private static Qcow2Resolved Decide(Qcow2StructurePlan plan, Qcow2Slot slot, ILookup<long, (Qcow2StructurePlan Plan, Qcow2Slot Slot, Qcow2Fit Fit)> claims,
        Dictionary<long, (Qcow2Start Start, double Score)> assigned)
    {
        var tables = string.Join(", ", slot.Tables.Select(t => t.Describe()));
        if (slot.Fits.Count == 0)
        {
            return new Qcow2Resolved(-1, ExtentConfidence.None, 0, [$"no free extent holds its {tables} (damaged, overwritten, or taken by metadata)"], []);
        }

        var available = slot.Fits.Where(f => !assigned.ContainsKey(f.Pe)).ToList();
        if (available.Count == 0)
        {
            var owners = slot.Fits.Select(f => assigned[f.Pe].Start.Pe).Distinct().ToList();
            return new Qcow2Resolved(-1, ExtentConfidence.None, 0,
                [$"every extent its {tables} fit ({string.Join(", ", slot.Fits.Select(f => f.Pe))}) fits the images at extents {string.Join(", ", owners)} better"], owners);
        }

        var chosen = Qcow2StructurePass.Choose(available, plan.Layout.Map.Where(m => m.Key < slot.K).ToDictionary(), slot.K)!;
        var margin = Qcow2Fit.Margin(chosen.Score);
        var best = available.Max(f => f.Score);
        var evidence = chosen.Evidence.ToList();
        var own = available.Where(f => f != chosen && f.Score >= best - Qcow2Fit.Margin(best)).Select(f => f.Pe).ToList();
        var others = claims[chosen.Pe].Where(c => c.Plan != plan && c.Fit.Score >= chosen.Score - margin).Select(c => c.Plan.Start.Pe).Distinct().ToList();

        // Fits as good as this one that went to images they fit no better: chance, not structure, decided.
        var lost = slot.Fits.Where(f => assigned.TryGetValue(f.Pe, out var a) && f.Score >= best - Qcow2Fit.Margin(best) && a.Score < f.Score + Qcow2Fit.Margin(f.Score))
            .Select(f => assigned[f.Pe].Start.Pe).Distinct().ToList();
        if (own.Count > 0)
        {
            evidence.Add($"extents {string.Join(", ", own)} fit its tables about as well; chosen by allocation order");
        }

        if (others.Count > 0)
        {
            evidence.Add($"the tables of the QCOW2 images at extents {string.Join(", ", others)} fit this extent about as well");
        }

        if (lost.Count > 0)
        {
            evidence.Add($"extents its tables fit as well went to the QCOW2 images at extents {string.Join(", ", lost)}, which they fit no better");
        }

        var confidence = own.Count > 0 || others.Count > 0 || lost.Count > 0 || chosen.Damaged ? ExtentConfidence.Medium : ExtentConfidence.High;
        if (confidence == ExtentConfidence.High)
        {
            evidence.Add("no other free extent fits these tables, and no other image's tables fit this extent");
        }

        assigned[chosen.Pe] = (plan.Start, chosen.Score);
        return new Qcow2Resolved(chosen.Pe, confidence, chosen.Score, evidence, [.. others.Union(lost)]);
    }
}
