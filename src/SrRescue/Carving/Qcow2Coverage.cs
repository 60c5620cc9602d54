namespace SrRescue.Carving;

/// <summary>What the rounds of resolution saw of one slot: its least sure choice, every rival, every extent its tables fitted.</summary>
internal sealed class Qcow2SlotHistory
{
    public ExtentConfidence Worst { get; set; } = ExtentConfidence.High;

    public HashSet<long> Rivals { get; } = [];

    /// <summary>Every extent the slot's tables fitted cleanly in any round.</summary>
    public HashSet<long> CleanFits { get; } = [];
}

/// <summary>
/// Keeps what every round of <see cref="Qcow2Resolution"/> saw, so that a later round, which reads
/// an image again with its choices forced and the other images' extents left out, cannot forget a
/// rival; and settles rivals by coverage where it can: when an image's tables account for its
/// refcounts exactly (<see cref="Qcow2Layout.CoverageExact"/>), a rival extent whose tables name
/// other clusters than the chosen one's cannot be the image's (it would leave clusters in use
/// unreferenced, or reference some twice), nor can the chosen extent be another such image's
/// table when that image's own choice names other clusters. Rivals naming the very same clusters
/// (images written alike) stay rivals: nothing tells them apart.
/// </summary>
internal sealed class Qcow2Coverage
{
    private readonly Dictionary<(Qcow2Start Start, long K), Qcow2SlotHistory> _history = [];

    /// <summary>Which (image, logical extent) slots each extent fitted cleanly, in any round.</summary>
    private readonly Dictionary<long, HashSet<(Qcow2Start Start, long K)>> _fitters = [];

    /// <summary>Which image the final resolution gave each extent (made on the first <see cref="Settle"/>: the final resolution does not change).</summary>
    private Dictionary<long, Qcow2Start>? _owners;

    public void Remember(IEnumerable<Qcow2StructurePlan> plans, IReadOnlyDictionary<(Qcow2Start Start, long K), Qcow2Resolved> resolved)
    {
        foreach (var plan in plans)
        {
            foreach (var slot in plan.Slots)
            {
                var key = (plan.Start, slot.K);
                if (!_history.TryGetValue(key, out var h))
                {
                    _history[key] = h = new Qcow2SlotHistory();
                }

                var r = resolved[key];
                if (r.Pe >= 0 && r.Confidence < h.Worst)
                {
                    h.Worst = r.Confidence;
                }

                h.Rivals.UnionWith(r.Rivals);
                foreach (var f in slot.Fits.Where(f => !f.Damaged))
                {
                    h.CleanFits.Add(f.Pe);
                    if (!_fitters.TryGetValue(f.Pe, out var set))
                    {
                        _fitters[f.Pe] = set = [];
                    }

                    set.Add(key);
                }
            }
        }
    }

    /// <summary>The final resolution of a slot, no surer than any round found it, with every rival any round saw.</summary>
    public Qcow2Resolved Final(Qcow2Start start, long k, Qcow2Resolved r)
    {
        var h = _history[(start, k)];
        var confidence = r.Pe >= 0 && h.Worst < r.Confidence ? h.Worst : r.Confidence;
        var evidence = confidence < r.Confidence ? [.. r.Evidence, "an earlier round found rivals for this slot"] : r.Evidence;
        return r with { Confidence = confidence, Evidence = evidence, Rivals = [.. r.Rivals.Union(h.Rivals)] };
    }

    /// <summary>
    /// A Medium slot with the rivals coverage rules out taken away (see the type), High when none
    /// is left; the slot as it was when its image's tables do not account for its refcounts.
    /// </summary>
    public Qcow2Resolved Settle(IReadOnlyDictionary<Qcow2Start, Qcow2StructurePlan> plans, IReadOnlyDictionary<(Qcow2Start Start, long K), Qcow2Resolved> final,
        Qcow2StructurePlan plan, Qcow2Slot slot)
    {
        var r = final[(plan.Start, slot.K)];
        if (r.Pe < 0 || r.Confidence != ExtentConfidence.Medium || r.Evidence.Any(e => e.EndsWith(": damaged", StringComparison.Ordinal)) || !plan.Layout.CoverageExact)
        {
            return r;
        }

        var owners = _owners ??= final.Where(f => f.Value.Pe >= 0).ToDictionary(f => f.Value.Pe, f => f.Key.Start);
        var chosen = plan.Layout.Signature(slot.Tables, r.Pe);
        var alive = new HashSet<long>();
        var unresolved = false;
        foreach (var pe in _history[(plan.Start, slot.K)].CleanFits.Where(pe => pe != r.Pe))
        {
            // Another extent the tables fit, naming the same clusters: nothing tells the two apart.
            if (plan.Layout.Signature(slot.Tables, pe).SequenceEqual(chosen))
            {
                unresolved = true;
                if (owners.TryGetValue(pe, out var owner) && owner != plan.Start)
                {
                    alive.Add(owner.Pe);
                }
            }
        }

        foreach (var (other, k) in _fitters.GetValueOrDefault(r.Pe, []).Where(f => f.Start != plan.Start))
        {
            // The chosen extent also fits another image's slot: it is not that image's table when
            // that image is whole without it and its own choice there names other clusters.
            var theirs = plans[other];
            var theirSlot = theirs.Slots.FirstOrDefault(s => s.K == k);
            var theirPe = final.TryGetValue((other, k), out var t) ? t.Pe : -1;
            if (theirSlot is null || theirPe < 0 || !theirs.Layout.CoverageExact
                || theirs.Layout.Signature(theirSlot.Tables, theirPe).SequenceEqual(theirs.Layout.Signature(theirSlot.Tables, r.Pe)))
            {
                alive.Add(other.Pe);
            }
        }

        if (unresolved || alive.Count > 0)
        {
            return r with { Rivals = [.. alive.Order()] };
        }

        return r with
        {
            Confidence = ExtentConfidence.High,
            Evidence = [.. r.Evidence, "the refcounts are accounted for exactly with this extent, and every rival's tables name other clusters: they would leave clusters in use unreferenced or reference some twice, so the structure rules them out"],
            Rivals = [],
        };
    }
}
