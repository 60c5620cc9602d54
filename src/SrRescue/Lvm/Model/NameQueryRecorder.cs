using System.Collections;

namespace SrRescue.Lvm.Model;

/// <summary>
/// A VG's PV keys or LV names as an LV's reading sees them, noting each name asked about and the
/// answer (<see cref="LvSectionReuse"/> takes the LV again only where the answers are the same).
/// Any other use than <see cref="Contains"/> depends on the whole set: then <see cref="Complete"/>
/// is false and the LV is not kept.
/// </summary>
internal sealed class NameQueryRecorder(IReadOnlySet<string> names, bool ofPvKeys, List<LvSectionReuse.NameQuery> questions) : IReadOnlySet<string>
{
    /// <summary>Every use so far was a question about one name.</summary>
    public bool Complete { get; private set; } = true;

    public int Count => Whole().Count;

    public bool Contains(string item)
    {
        var answer = names.Contains(item);
        questions.Add(new LvSectionReuse.NameQuery(ofPvKeys, item, answer));
        return answer;
    }

    public IEnumerator<string> GetEnumerator() => Whole().GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public bool IsProperSubsetOf(IEnumerable<string> other) => Whole().IsProperSubsetOf(other);

    public bool IsProperSupersetOf(IEnumerable<string> other) => Whole().IsProperSupersetOf(other);

    public bool IsSubsetOf(IEnumerable<string> other) => Whole().IsSubsetOf(other);

    public bool IsSupersetOf(IEnumerable<string> other) => Whole().IsSupersetOf(other);

    public bool Overlaps(IEnumerable<string> other) => Whole().Overlaps(other);

    public bool SetEquals(IEnumerable<string> other) => Whole().SetEquals(other);

    private IReadOnlySet<string> Whole()
    {
        Complete = false;
        return names;
    }
}
