using System.Buffers.Binary;
using System.Globalization;
using SrRescue.Diagnostics;
using SrRescue.Io;

namespace SrRescue.Qcow2;

/// <summary>
/// The checks of one L2 table and the references it makes (qemu's check_refcounts_l2), and for the
/// active L1 the copied flags of its entries against the stored refcounts (the data part of
/// check_oflag_copied) and the counts qemu-img check gives (allocated, compressed and fragmented
/// clusters). A table read for several L1 entries is walked once with the count of its readers:
/// each of its references and problems counts that many times, as qemu's repeated walks would.
/// </summary>
internal sealed class L2TableCheck
{
    /// <summary>qcow2.txt: bits 9-55 of a standard cluster descriptor.</summary>
    public const ulong OffsetMask = 0x00FF_FFFF_FFFF_FE00;

    /// <summary>qemu's L2E_STD_RESERVED_MASK: bits 1-8 and 56-61 of a standard cluster entry.</summary>
    public const ulong StandardReservedMask = 0x3F00_0000_0000_01FE;

    /// <summary>The allocation half of an extended L2 entry's subcluster bitmap.</summary>
    public const ulong AllAllocated = 0xFFFF_FFFF;

    private const string What = "QCOW2 L2 entry";

    private readonly CheckContext _c;
    private readonly byte[] _table;
    private readonly bool _extended;
    private readonly int _entryBytes;
    private readonly int _sizeShift;
    private readonly ulong _sizeMask;

    public L2TableCheck(CheckContext c)
    {
        _c = c;
        _table = new byte[c.ClusterSize];
        _extended = c.Header.HasExtendedL2;
        _entryBytes = c.Header.L2EntryBytes;

        // qcow2.txt "Compressed Clusters Descriptor": the offset in the low 62 - (cluster_bits - 8)
        // bits, then cluster_bits - 8 bits of additional 512-byte sectors.
        _sizeShift = 62 - (c.ClusterBits - 8);
        _sizeMask = (1UL << (c.ClusterBits - 8)) - 1;
    }

    /// <param name="walks">How many L1 entries point at this table.</param>
    /// <param name="active">Whether they belong to the active L1 table (the one the counts and copied flags are about).</param>
    /// <param name="copiedChecks">How many of them qemu checks the copied flags of the entries for.</param>
    public void Walk(long l2Offset, long walks, bool active, long copiedChecks)
    {
        if (!_c.TakeBudget(_table.Length))
        {
            return;
        }

        Array.Clear(_table);
        _c.Source.ReadFullyAt(l2Offset, _table);
        ulong nextContiguous = 0;
        var entries = _table.Length / _entryBytes;
        for (var i = 0; i < entries; i++)
        {
            var entry = BinaryPrimitives.ReadUInt64BigEndian(_table.AsSpan(i * _entryBytes));
            var bitmap = _extended ? BinaryPrimitives.ReadUInt64BigEndian(_table.AsSpan((i * _entryBytes) + 8)) : 0;
            if ((entry | bitmap) == 0)
            {
                continue;
            }

            var at = l2Offset + ((long)i * _entryBytes);
            if ((entry & L2Entry.CompressedFlag) != 0)
            {
                Compressed(entry, bitmap, at, walks, active);
                continue;
            }

            if ((entry & StandardReservedMask) != 0)
            {
                _c.Corruption(Qcow2Codes.L2Reserved, What, at, $"L2 entry {i} has reserved bits set (qemu: found l2 entry with reserved bits set: {entry:x})",
                    $"0x{entry:x16}", $"bits 0x{StandardReservedMask:x16} clear", walks);
            }

            var offset = entry & OffsetMask;
            var zeroFlag = !_extended && (entry & L2Entry.ZeroFlag) != 0;
            var dataFileCluster = _c.HasDataFile && (entry & L2Entry.CopiedFlag) != 0;
            if (offset == 0 && (zeroFlag || !dataFileCluster))
            {
                // A zero cluster without a host cluster, or an unallocated one: nothing is referenced.
                if (!zeroFlag && (bitmap & AllAllocated) != 0)
                {
                    _c.Corruption(Qcow2Codes.SubclusterBitmap, What, at + 8,
                        $"L2 entry {i} has no host cluster but its bitmap marks subclusters allocated (qemu: Unallocated cluster has non-zero subcluster allocation map)",
                        $"0x{bitmap:x16}", "no allocation bits", walks);
                }

                continue;
            }

            Standard(i, entry, bitmap, offset, at, walks, active, copiedChecks, ref nextContiguous);
        }
    }

    private void Standard(int index, ulong entry, ulong bitmap, ulong offset, long at, long walks, bool active, long copiedChecks, ref ulong nextContiguous)
    {
        if (((bitmap >> 32) & bitmap) != 0)
        {
            _c.Corruption(Qcow2Codes.SubclusterBitmap, What, at + 8,
                $"L2 entry {index} marks subclusters both allocated and zero (qemu: Allocated cluster has corrupted subcluster allocation bitmap)",
                $"0x{bitmap:x16}", "no subcluster both allocated and zero", walks);
        }

        if ((offset & (ulong)(_c.ClusterSize - 1)) != 0)
        {
            _c.Corruption(Qcow2Codes.L2Unaligned, What, at,
                $"L2 entry {index} points at byte {offset}, which is not a cluster boundary (qemu: Data cluster is not properly aligned; L2 entry corrupted)",
                offset.ToString(CultureInfo.InvariantCulture), $"a multiple of {_c.ClusterSize}", walks);
        }

        if (active)
        {
            _c.AllocatedClusters += walks;
            if (nextContiguous != 0 && offset != nextContiguous)
            {
                _c.FragmentedClusters += walks;
            }

            nextContiguous = offset + (ulong)_c.ClusterSize;
        }

        if (!_c.HasDataFile)
        {
            if (!_c.TryReference(offset, _c.ClusterSize, ClusterUse.Data, walks))
            {
                _c.ReportBeyondEnd(offset, _c.ClusterSize, What, at, $"the data cluster of L2 entry {index}", walks);
            }
        }

        if (active && copiedChecks > 0)
        {
            CheckCopied(index, entry, offset, at, copiedChecks);
        }
    }

    private void CheckCopied(int index, ulong entry, ulong offset, long at, long copiedChecks)
    {
        ulong refcount = 1;
        if (!_c.HasDataFile && (_c.Stored is not { } stored || !stored.TryGet((long)(offset >> _c.ClusterBits), out refcount)))
        {
            return;
        }

        var copied = (entry & L2Entry.CopiedFlag) != 0;
        if ((refcount == 1) != copied)
        {
            _c.Corruption(Qcow2Codes.CopiedData, What, at,
                $"L2 entry {index} has the copied flag {(copied ? "set" : "clear")} but its data cluster's refcount is {refcount} (qemu: ERROR OFLAG_COPIED data cluster: l2_entry={entry:x} refcount={refcount}){_c.DirtyNote}",
                copied ? "set" : "clear", refcount == 1 ? "set" : "clear", copiedChecks, _c.StaleSeverity(Severity.Error));
        }
    }

    private void Compressed(ulong entry, ulong bitmap, long at, long walks, bool active)
    {
        var offset = entry & ((1UL << _sizeShift) - 1);
        if ((entry & L2Entry.CopiedFlag) != 0)
        {
            _c.Corruption(Qcow2Codes.CompressedCopied, What, at,
                $"the compressed cluster at byte {offset} has the copied flag set, which compressed clusters never have (qemu: copied flag must never be set for compressed clusters)",
                "set", "clear", walks);
        }

        if (_c.HasDataFile)
        {
            _c.Corruption(Qcow2Codes.ExternalDataConflict, What, at, "a compressed cluster in an image whose data lives in an external data file", count: walks);
            return;
        }

        if (bitmap != 0)
        {
            _c.Corruption(Qcow2Codes.SubclusterBitmap, What, at + 8,
                "a compressed cluster's subcluster bitmap must be zero (qemu: compressed cluster with non-zero subcluster allocation bitmap); its clusters are not counted",
                $"0x{bitmap:x16}", "0", walks);
            return;
        }

        var sectors = ((entry >> _sizeShift) & _sizeMask) + 1;
        var size = (long)(sectors * 512) - (long)(offset & 511);
        _c.Reference(offset, size, ClusterUse.Data, What, at, "the compressed cluster", walks);
        if (active)
        {
            // qemu counts every compressed cluster as fragmented: adjacent ones share sectors.
            _c.AllocatedClusters += walks;
            _c.CompressedClusters += walks;
            _c.FragmentedClusters += walks;
        }
    }
}
