using SrRescue.Lvm.Text;

namespace SrRescue.Lvm.Model;

/// <summary>
/// LV sections read once and taken again, parsed and read, in the versions that repeat them byte
/// for byte: a wrapped ring holds hundreds of versions that each change one LV of dozens, so
/// the history reads each distinct LV section about once instead of once per version.
/// <para>
/// Exact by construction. A section is taken again only when its bytes are the same from its key
/// to its closing brace, so its tree is the same but for the offsets. The LV read from it is
/// taken again only when every question its reading asked of the VG (is this name a PV key of
/// the copy, an LV name) has the same answer. Only what a version read without any finding is
/// kept (<see cref="Keep"/>); a version whose reading reports anything is read again without
/// reuse by the caller, so every finding has its own copy's offsets. What is taken again keeps
/// the offsets of the copy it was first read from: the caller uses such a VG for what holds no
/// offset (the LVs, their extents, the differences between versions).
/// </para>
/// Bounded: past <see cref="MaxSections"/> sections everything known is dropped and learnt again.
/// </summary>
internal sealed class LvSectionReuse : ISectionReuse
{
    /// <summary>Distinct LV sections kept at most (each about 400 bytes of text and its tree: a few MiB in all).</summary>
    public const int MaxSections = 1 << 13;

    private const string ListKey = "logical_volumes";
    private const int LvDepth = 3;

    private readonly Dictionary<string, List<Known>> _byName = new(StringComparer.Ordinal);
    private readonly Dictionary<ConfigSection, Known> _byNode = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<ConfigSection, (byte[] Text, int Nodes)> _readNow = new(ReferenceEqualityComparer.Instance);
    private readonly List<Known> _learntNow = [];
    private int _count;

    /// <summary>One LV section as read before: its text, its tree, the LV and the questions that LV's reading asked.</summary>
    private sealed record Known(byte[] Text, int Nodes, ConfigSection Section, LvMetadata Lv, IReadOnlyList<NameQuery> Questions);

    /// <summary>Is <see cref="Name"/> a PV key (or else an LV name) of the VG: asked while reading an LV, with its answer.</summary>
    internal readonly record struct NameQuery(bool OfPvKeys, string Name, bool Answer);

    public bool Offers(int depth, string parentKey) => depth == LvDepth && parentKey == ListKey;

    public ConfigSection? TryReuse(ReadOnlySpan<byte> text, int keyStart, string key, out int end, out int nodes)
    {
        if (_byName.TryGetValue(key, out var list))
        {
            var rest = text[keyStart..];
            for (var i = list.Count - 1; i >= 0; i--)
            {
                var known = list[i];
                if (rest.StartsWith(known.Text))
                {
                    end = keyStart + known.Text.Length;
                    nodes = known.Nodes;
                    return known.Section;
                }
            }
        }

        end = nodes = 0;
        return null;
    }

    public void Read(ConfigSection section, ReadOnlySpan<byte> text, int keyStart, int end, int nodes) =>
        _readNow[section] = (text[keyStart..end].ToArray(), nodes);

    /// <summary>The LV of <paramref name="section"/>: the one read before when the VG answers its questions as before, else read now.</summary>
    public LvMetadata ReadLv(ConfigSection section, ModelReadContext ctx, IReadOnlySet<string> pvKeys, IReadOnlySet<string> lvNames)
    {
        if (Find(section, pvKeys, lvNames) is { } known)
        {
            return known;
        }

        var questions = new List<NameQuery>();
        var askedPvKeys = new NameQueryRecorder(pvKeys, ofPvKeys: true, questions);
        var askedLvNames = new NameQueryRecorder(lvNames, ofPvKeys: false, questions);
        var findingsBefore = ctx.Log.Count;
        var lv = LvMetadataReader.Read(section, ctx, askedPvKeys, askedLvNames);
        if (ctx.Log.Count == findingsBefore && askedPvKeys.Complete && askedLvNames.Complete)
        {
            Learnt(section, lv, questions);
        }

        return lv;
    }

    private LvMetadata? Find(ConfigSection section, IReadOnlySet<string> pvKeys, IReadOnlySet<string> lvNames)
    {
        if (!_byNode.TryGetValue(section, out var known))
        {
            return null;
        }

        foreach (var q in known.Questions)
        {
            if ((q.OfPvKeys ? pvKeys : lvNames).Contains(q.Name) != q.Answer)
            {
                return null;
            }
        }

        return known.Lv;
    }

    /// <summary>An LV read from <paramref name="section"/> without a finding, and the questions it asked: kept if the version turns out clean.</summary>
    private void Learnt(ConfigSection section, LvMetadata lv, IReadOnlyList<NameQuery> questions)
    {
        if (_readNow.TryGetValue(section, out var read))
        {
            _learntNow.Add(new Known(read.Text, read.Nodes, section, lv, questions));
        }
        else if (_byNode.TryGetValue(section, out var before))
        {
            // Taken again, but the VG answered differently: the same text, read for this VG.
            _learntNow.Add(before with { Lv = lv, Questions = questions });
        }
    }

    /// <summary>The version just read had no finding: keep what was learnt from it.</summary>
    public void Keep()
    {
        if (_count + _learntNow.Count > MaxSections)
        {
            _byName.Clear();
            _byNode.Clear();
            _count = 0;
        }

        foreach (var known in _learntNow)
        {
            if (!_byName.TryGetValue(known.Section.Key, out var list))
            {
                list = [];
                _byName.Add(known.Section.Key, list);
            }

            if (_byNode.TryGetValue(known.Section, out var before))
            {
                list[list.IndexOf(before)] = known;
            }
            else
            {
                list.Add(known);
                _count++;
            }

            _byNode[known.Section] = known;
        }

        Forget();
    }

    /// <summary>The version just read reported something: keep nothing of it.</summary>
    public void Forget()
    {
        _readNow.Clear();
        _learntNow.Clear();
    }
}
