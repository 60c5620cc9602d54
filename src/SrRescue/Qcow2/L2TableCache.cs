using System.Buffers.Binary;
using SrRescue.Diagnostics;
using SrRescue.Io;

namespace SrRescue.Qcow2;

/// <summary>
/// The L2 tables of one image, read when first needed and kept up to <see cref="BudgetBytes"/>
/// (oldest out first): a 2 TiB disk with 64 KiB clusters has 4096 tables of 64 KiB, more than a
/// rescue machine should hold at once. A table that lies past the end of the file or at an
/// unaligned offset is read as far as it goes and reported once.
/// </summary>
internal sealed class L2TableCache
{
    public const long BudgetBytes = 32L * 1024 * 1024;

    private readonly Qcow2Image _image;
    private readonly CappedFindings _problems;
    private readonly Dictionary<long, ulong[]> _tables = [];
    private readonly Queue<long> _order = new();
    private readonly Lock _gate = new();
    private readonly int _capacity;

    public L2TableCache(Qcow2Image image, CappedFindings problems)
    {
        _image = image;
        _problems = problems;
        _capacity = (int)Math.Max(4, BudgetBytes / Math.Max(512, image.ClusterSizeBytes));
    }

    public L2Table Get(long l1Index, long l2Offset)
    {
        lock (_gate)
        {
            if (!_tables.TryGetValue(l1Index, out var words))
            {
                words = Read(l1Index, l2Offset);
                if (_tables.Count >= _capacity && _order.TryDequeue(out var oldest))
                {
                    _tables.Remove(oldest);
                }

                _tables[l1Index] = words;
                _order.Enqueue(l1Index);
            }

            return new L2Table(words, (byte)_image.Header.ClusterBits, _image.Header.HasExtendedL2);
        }
    }

    private ulong[] Read(long l1Index, long l2Offset)
    {
        var size = _image.ClusterSizeBytes;
        var source = _image.Source;
        var l1EntryAt = (long)Math.Min(_image.Header.L1TableOffset, long.MaxValue / 2) + (l1Index * 8);
        if (l2Offset % size != 0)
        {
            _problems.Add(Severity.Error, Qcow2Codes.L1Entry, "QCOW2 L1 entry", l1EntryAt,
                $"L1 entry {l1Index} points at {l2Offset}, which is not a cluster boundary (the entry is damaged); the table is read there all the same");
        }

        var bytes = new byte[size];
        var n = source.ReadFullyAt(l2Offset, bytes);
        if (n < size)
        {
            _problems.Add(Severity.Error, Qcow2Codes.L2Bounds, "QCOW2 L2 table", l2Offset,
                $"the L2 table of L1 entry {l1Index} lies past the end of the file ({source.Length} bytes); its missing entries read as unallocated");
        }

        var words = new ulong[size / 8];
        for (var i = 0; i < n / 8; i++)
        {
            words[i] = BinaryPrimitives.ReadUInt64BigEndian(bytes.AsSpan(i * 8));
        }

        return words;
    }
}
