using System.Buffers.Binary;
using SrRescue.Io;

namespace SrRescue.Qcow2;

/// <summary>
/// The refcounts as the image stores them (qcow2.txt, "Host cluster management"): a refcount
/// table of 64-bit entries, each the offset of a refcount block of one cluster holding
/// 2^refcount_order-bit entries. Entries under 8 bits pack the lowest bits first within a byte (as
/// qemu's get_refcount_ro0..ro2 read them); 8 bits and more are big-endian. A table or block past
/// the end of the file reads as zeros, as qemu reads it. Blocks are kept up to a budget, oldest out
/// first: the comparison reads them in order, the copied-flag check mostly in order.
/// </summary>
internal sealed class StoredRefcounts
{
    /// <summary>qemu's QCOW_MAX_REFTABLE_SIZE: an image whose refcount table is larger does not open.</summary>
    public const long MaxTableBytes = 8L << 20;

    public const ulong OffsetMask = 0xFFFF_FFFF_FFFF_FE00;
    public const ulong ReservedMask = 0x1FF;

    /// <summary>
    /// qemu's BDRV_MAX_LENGTH (2^63 - 2^30): its block layer fails a read that ends past it, so a
    /// refcount block there cannot be read (a check error), where one merely past the end of the
    /// file reads as zeros.
    /// </summary>
    public const ulong MaxReadEnd = (1UL << 63) - (1UL << 30);

    private const long CacheBudgetBytes = 16L << 20;

    private readonly IByteSource _source;
    private readonly ulong[] _table;
    private readonly int _clusterBits;
    private readonly Dictionary<long, byte[]> _blocks = [];
    private readonly Queue<long> _order = new();
    private readonly int _cacheCapacity;

    /// <param name="tableEntries">The entries the table has (refcount_table_clusters clusters), already capped at <see cref="MaxTableBytes"/>.</param>
    public StoredRefcounts(IByteSource source, long tableOffset, long tableEntries, int clusterBits, int refcountOrder)
    {
        _source = source;
        _clusterBits = clusterBits;
        TableOffset = tableOffset;
        TableEntries = tableEntries;
        RefcountOrder = refcountOrder;
        BlockBits = clusterBits + 3 - refcountOrder;
        _cacheCapacity = (int)Math.Max(4, CacheBudgetBytes >> clusterBits);

        // Only the entries inside the file are read: the rest are zeros, as qemu reads them.
        var inFile = tableOffset < 0 || tableOffset >= source.Length ? 0 : (source.Length - tableOffset) / 8;
        _table = new ulong[Math.Min(tableEntries, inFile)];
        var bytes = new byte[Math.Min(1L << 20, _table.Length * 8L)];
        for (long done = 0; done < _table.Length;)
        {
            var n = (int)Math.Min(bytes.Length / 8, _table.Length - done);
            var got = source.ReadFullyAt(tableOffset + (done * 8), bytes.AsSpan(0, n * 8));
            for (var i = 0; i < got / 8; i++)
            {
                _table[done + i] = BinaryPrimitives.ReadUInt64BigEndian(bytes.AsSpan(i * 8));
            }

            done += n;
        }
    }

    public long TableOffset { get; }

    public long TableEntries { get; }

    public int RefcountOrder { get; }

    /// <summary>log2 of the refcount entries one block holds.</summary>
    public int BlockBits { get; }

    /// <summary>The table entries that lie in the file (those past its end are zero).</summary>
    public ReadOnlySpan<ulong> TableInFile => _table;

    public ulong TableEntry(long index) => index >= 0 && index < _table.Length ? _table[index] : 0;

    /// <summary>What refcount block <paramref name="tableIndex"/> is: none (every refcount in it 0), unreadable, or its bytes.</summary>
    public BlockState Block(long tableIndex, out byte[]? block)
    {
        block = null;
        if (tableIndex >= TableEntries)
        {
            return BlockState.None;
        }

        var offset = TableEntry(tableIndex) & OffsetMask;
        if (offset == 0)
        {
            return BlockState.None;
        }

        if ((offset & ((1UL << _clusterBits) - 1)) != 0 || offset > MaxReadEnd - (1UL << _clusterBits))
        {
            return BlockState.Unreadable;
        }

        if (offset >= (ulong)_source.Length)
        {
            return BlockState.None;
        }

        if (!_blocks.TryGetValue(tableIndex, out block))
        {
            block = new byte[1 << _clusterBits];
            _source.ReadFullyAt((long)offset, block);
            if (_blocks.Count >= _cacheCapacity && _order.TryDequeue(out var oldest))
            {
                _blocks.Remove(oldest);
            }

            _blocks[tableIndex] = block;
            _order.Enqueue(tableIndex);
        }

        return BlockState.Present;
    }

    /// <summary>The stored refcount of <paramref name="cluster"/> (qemu's qcow2_get_refcount); false when its block cannot be read.</summary>
    public bool TryGet(long cluster, out ulong refcount)
    {
        refcount = 0;
        var state = Block(cluster >> BlockBits, out var block);
        if (state == BlockState.Unreadable)
        {
            return false;
        }

        if (state == BlockState.Present)
        {
            refcount = Decode(block!, cluster & ((1L << BlockBits) - 1), RefcountOrder);
        }

        return true;
    }

    /// <summary>
    /// Where the refcount of <paramref name="cluster"/> is stored: the byte in its block holding
    /// it, or the table entry that names no block, or -1 when the table is too short to have one.
    /// </summary>
    public long EntryOffset(long cluster)
    {
        var tableIndex = cluster >> BlockBits;
        if (tableIndex >= TableEntries)
        {
            return -1;
        }

        var block = TableEntry(tableIndex) & OffsetMask;
        if (block == 0 || block > (ulong)(long.MaxValue - (1L << 22)))
        {
            return TableOffset + (tableIndex * 8);
        }

        var index = cluster & ((1L << BlockBits) - 1);
        return (long)block + ((index << RefcountOrder) >> 3);
    }

    /// <summary>Entry <paramref name="index"/> of a refcount block of 2^<paramref name="order"/>-bit entries.</summary>
    public static ulong Decode(ReadOnlySpan<byte> block, long index, int order) => order switch
    {
        < 3 => (ulong)(block[(int)((index << order) >> 3)] >> (int)((index << order) & 7)) & ((1UL << (1 << order)) - 1),
        3 => block[(int)index],
        4 => BinaryPrimitives.ReadUInt16BigEndian(block[(int)(index * 2)..]),
        5 => BinaryPrimitives.ReadUInt32BigEndian(block[(int)(index * 4)..]),
        _ => BinaryPrimitives.ReadUInt64BigEndian(block[(int)(index * 8)..]),
    };
}

internal enum BlockState
{
    /// <summary>No block (entry 0, past the table or past the file): every refcount in its range is 0.</summary>
    None,

    /// <summary>The entry is not cluster aligned, or past where qemu can read: its refcounts cannot be read (an I/O error in qemu's check).</summary>
    Unreadable,

    Present,
}
