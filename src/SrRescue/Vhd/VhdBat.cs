using System.Buffers;
using System.Buffers.Binary;
using System.Collections;
using SrRescue.Io;

namespace SrRescue.Vhd;

/// <summary>
/// A VHD's block allocation table, read from its source in pages as it is asked, with a bounded
/// cache: a 2 TiB VHD's BAT has 2^20 entries (4 MiB), every XenServer VHD is created with one that
/// size, and a chain reads through up to <see cref="VhdChain.MaxDepth"/> of them at once, so holding
/// each whole would make memory grow with the chain's depth (issue 14). The table is read through
/// once when opened, in chunks, for what every caller asks of it whole (its readable length, the
/// allocated count, the end of data); after that an entry costs a page read at most.
/// </summary>
internal sealed class VhdBat : IReadOnlyList<uint>
{
    private const int EntriesPerPage = 1024;
    private const int PageBytes = EntriesPerPage * 4;

    /// <summary>Pages kept per table: 256 KiB, 2 GiB of a disk of 2 MiB blocks.</summary>
    private const int CachedPages = 64;

    private const int ChunkBytes = 64 << 10;

    private readonly IByteSource _source;
    private readonly long _tableOffset;

    // Direct-mapped by page number; each slot an immutable page, replaced whole, so readers on
    // several threads (export's workers) need no lock: a lost race costs one more read.
    private readonly Page?[] _pages = new Page?[CachedPages];

    private VhdBat(IByteSource source, long tableOffset, int count, int allocated, uint maxAllocatedSector)
    {
        _source = source;
        _tableOffset = tableOffset;
        Count = count;
        AllocatedCount = allocated;
        MaxAllocatedSector = maxAllocatedSector;
    }

    public static VhdBat Empty { get; } = new(new MemorySource(ReadOnlyMemory<byte>.Empty, "empty"), 0, 0, 0, 0);

    public int Count { get; }

    public int AllocatedCount { get; }

    /// <summary>The largest sector an allocated entry names (its block's bitmap); 0 when none is allocated.</summary>
    public uint MaxAllocatedSector { get; }

    public uint this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
            var number = index / EntriesPerPage;
            var slot = number % CachedPages;
            var page = Volatile.Read(ref _pages[slot]);
            if (page is null || page.Number != number)
            {
                page = ReadPage(number);
                Volatile.Write(ref _pages[slot], page);
            }

            return page.Entries[index % EntriesPerPage];
        }
    }

    /// <summary>
    /// Reads <paramref name="count"/> entries at <paramref name="tableOffset"/> once through, in
    /// chunks; a table the source ends inside holds the entries read whole.
    /// </summary>
    public static VhdBat Read(IByteSource source, long tableOffset, int count)
    {
        ArgumentNullException.ThrowIfNull(source);
        var chunk = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            var read = 0;
            var allocated = 0;
            uint maxSector = 0;
            while (read < count)
            {
                var want = (int)Math.Min(ChunkBytes, (count - (long)read) * 4);
                var got = source.ReadFullyAt(tableOffset + (read * 4L), chunk.AsSpan(0, want)) / 4;
                for (var i = 0; i < got; i++)
                {
                    var entry = BinaryPrimitives.ReadUInt32BigEndian(chunk.AsSpan(i * 4));
                    if (entry != VhdImage.Unallocated)
                    {
                        allocated++;
                        maxSector = Math.Max(maxSector, entry);
                    }
                }

                read += got;
                if (got * 4 < want)
                {
                    break;
                }
            }

            return new VhdBat(source, tableOffset, read, allocated, maxSector);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    public IEnumerator<uint> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private Page ReadPage(int number)
    {
        var first = number * EntriesPerPage;
        var entries = new uint[Math.Min(EntriesPerPage, Count - first)];
        Span<byte> bytes = stackalloc byte[PageBytes];
        var got = _source.ReadFullyAt(_tableOffset + (first * 4L), bytes[..(entries.Length * 4)]) / 4;
        for (var i = 0; i < entries.Length; i++)
        {
            // The entries were readable when the table was opened; a source that shrank since reads as unallocated.
            entries[i] = i < got ? BinaryPrimitives.ReadUInt32BigEndian(bytes[(i * 4)..]) : VhdImage.Unallocated;
        }

        return new Page(number, entries);
    }

    private sealed record Page(int Number, uint[] Entries);
}
