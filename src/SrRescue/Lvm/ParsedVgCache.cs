using SrRescue.Lvm.Model;

namespace SrRescue.Lvm;

/// <summary>
/// The parsed models of a history's versions, kept for reuse within a budget of text: a model
/// takes about five bytes per character of its text (a VG of 16,000 LVs: 27 MiB), so keeping
/// every version's once asked for made memory grow with the versions a command touched (issue 14).
/// The least recently used are dropped, before the next one is parsed, and parsed again when
/// asked for again. The one asked for last is always kept: a VG larger than the budget alone is
/// parsed once for as long as nothing else is asked for in between.
/// </summary>
internal sealed class ParsedVgCache
{
    /// <summary>Characters of text whose models are kept: about 20 MiB of models (5 copies of 2,500 LVs; 490 of 24 LVs).</summary>
    public const long BudgetChars = 4L << 20;

    private readonly Lock _gate = new();
    private readonly LinkedList<Entry> _used = new(); // most recent first
    private readonly Dictionary<MetadataVersion, LinkedListNode<Entry>> _byVersion = [];
    private long _chars;

    public VgMetadata? Get(MetadataVersion version, Func<VgMetadata?> parse)
    {
        ArgumentNullException.ThrowIfNull(version);
        ArgumentNullException.ThrowIfNull(parse);
        lock (_gate)
        {
            if (_byVersion.TryGetValue(version, out var node))
            {
                _used.Remove(node);
                _used.AddFirst(node);
                return node.Value.Vg;
            }

            var chars = version.Primary.Utf8.Length;
            while (_used.Last is { } oldest && _chars + chars > BudgetChars)
            {
                _used.RemoveLast();
                _byVersion.Remove(oldest.Value.Version);
                _chars -= oldest.Value.Chars;
            }

            var entry = new Entry(version, parse(), chars);
            _byVersion[version] = _used.AddFirst(entry);
            _chars += chars;
            return entry.Vg;
        }
    }

    private sealed record Entry(MetadataVersion Version, VgMetadata? Vg, long Chars);
}
