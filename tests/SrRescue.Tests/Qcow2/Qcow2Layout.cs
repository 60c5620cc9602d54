using System.Buffers.Binary;
using SrRescue.Diagnostics;
using SrRescue.Io;
using SrRescue.Qcow2;

namespace SrRescue.Tests.Qcow2;

/// <summary>Where a qcow2 file's structures are, read with our own parser, and edits of them.</summary>
internal sealed class Qcow2Layout
{
    private Qcow2Layout(string file)
    {
        File = file;
        using var f = FileSource.Open(file);
        var image = Qcow2Image.Open(f, new FindingLog());
        Header = image.Header;
        L1 = [.. image.L1];
    }

    public string File { get; }

    public Qcow2Header Header { get; }

    public ulong[] L1 { get; }

    public long ClusterSize => Header.ClusterSizeBytes;

    public int ClusterBits => (int)Header.ClusterBits;

    public static Qcow2Layout Of(string file) => new(file);

    public long L1EntryAt(int index) => (long)Header.L1TableOffset + (index * 8L);

    /// <summary>The L2 table of the first used L1 entry.</summary>
    public (int Index, long Offset) FirstL2()
    {
        var i = Array.FindIndex(L1, e => (e & L1TableCheck.OffsetMask) != 0);
        return (i, (long)(L1[i] & L1TableCheck.OffsetMask));
    }

    public long L2EntryAt(long l2Offset, int index) => l2Offset + (index * (long)Header.L2EntryBytes);

    /// <summary>The first entry of the first L2 table that maps a standard data cluster.</summary>
    public (long EntryAt, ulong Entry) FirstDataEntry()
    {
        foreach (var e in L1.Where(e => (e & L1TableCheck.OffsetMask) != 0))
        {
            var l2 = (long)(e & L1TableCheck.OffsetMask);
            for (var i = 0; i < Header.L2Entries; i++)
            {
                var at = L2EntryAt(l2, i);
                var entry = ReadU64(at);
                if ((entry & L2Entry.CompressedFlag) == 0 && (entry & L2TableCheck.OffsetMask) != 0)
                {
                    return (at, entry);
                }
            }
        }

        throw new InvalidOperationException("no data cluster");
    }

    public StoredRefcounts Refcounts(FileSource f) =>
        new(f, (long)Header.RefcountTableOffset, (long)Header.RefcountTableClusters << (ClusterBits - 3), ClusterBits, (int)Header.RefcountOrder);

    public (long At, ulong Value) Refcount(long cluster)
    {
        using var f = FileSource.Open(File);
        var r = Refcounts(f);
        Assert.True(r.TryGet(cluster, out var value));
        return (r.EntryOffset(cluster), value);
    }

    public void SetRefcount(long cluster, ulong value)
    {
        var (at, _) = Refcount(cluster);
        var order = (int)Header.RefcountOrder;
        var bits = 1 << order;
        using var s = new FileStream(File, FileMode.Open, FileAccess.ReadWrite);
        var bytes = new byte[Math.Max(1, bits / 8)];
        s.Position = at;
        s.ReadExactly(bytes);
        if (bits < 8)
        {
            var shift = (int)((cluster << order) & 7);
            var mask = (byte)(((1 << bits) - 1) << shift);
            bytes[0] = (byte)((bytes[0] & ~mask) | (((int)value << shift) & mask));
        }
        else
        {
            for (var i = 0; i < bytes.Length; i++)
            {
                bytes[bytes.Length - 1 - i] = (byte)(value >> (8 * i));
            }
        }

        s.Position = at;
        s.Write(bytes);
    }

    public ulong ReadU64(long at)
    {
        using var s = new FileStream(File, FileMode.Open, FileAccess.Read);
        var b = new byte[8];
        s.Position = at;
        s.ReadExactly(b);
        return BinaryPrimitives.ReadUInt64BigEndian(b);
    }

    public void WriteU64(long at, ulong value)
    {
        using var s = new FileStream(File, FileMode.Open, FileAccess.ReadWrite);
        var b = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(b, value);
        s.Position = at;
        s.Write(b);
    }

    public void WriteU32(long at, uint value)
    {
        using var s = new FileStream(File, FileMode.Open, FileAccess.ReadWrite);
        var b = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(b, value);
        s.Position = at;
        s.Write(b);
    }

    public long Length => new FileInfo(File).Length;

    public void SetLength(long bytes)
    {
        using var s = new FileStream(File, FileMode.Open, FileAccess.ReadWrite);
        s.SetLength(bytes);
    }
}
