using System.Buffers.Binary;
using SrRescue.Io;
using SrRescue.Lvm;

namespace SrRescue.Tests.Lvm;

/// <summary>Builds label sectors and mda headers byte by byte for the per-rule structure tests.</summary>
internal static class LabelTestData
{
    public const string RawUuid = "S39kbuOewNBt2ZlajStiXPe8JC0BJj6a";

    /// <summary>A label sector as pvcreate writes it: sector 1, one data area, the given mdas, extension v2 "in use".</summary>
    public static byte[] LabelSector(int sector = 1, long deviceSize = 64 << 20, params (long Offset, long Size)[] mdas)
    {
        var b = new byte[512];
        "LABELONE"u8.CopyTo(b);
        BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(8), (ulong)sector);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(20), 32);
        "LVM2 001"u8.CopyTo(b.AsSpan(24));
        System.Text.Encoding.ASCII.GetBytes(RawUuid).CopyTo(b, 32);
        BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(64), (ulong)deviceSize);
        var pos = 72;
        Put(b, ref pos, 1 << 20, 0);
        Put(b, ref pos, 0, 0);
        foreach (var (o, s) in mdas.Length == 0 ? [(4096L, 1044480L)] : mdas)
        {
            Put(b, ref pos, o, s);
        }

        Put(b, ref pos, 0, 0);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(pos), 2);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(pos + 4), 1);
        FixLabelCrc(b);
        return b;
    }

    public static void FixLabelCrc(byte[] sector) =>
        BinaryPrimitives.WriteUInt32LittleEndian(sector.AsSpan(16), Crc32.ComputeLvm(sector.AsSpan(20, 492)));

    public static byte[] MdaHeaderSector(long start, long size, long slot0Offset, long slot0Size, uint slot0Crc, uint slot0Flags = 0)
    {
        var b = new byte[512];
        MdaHeader.Magic.CopyTo(b.AsSpan(4));
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(20), 1);
        BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(24), (ulong)start);
        BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(32), (ulong)size);
        BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(40), (ulong)slot0Offset);
        BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(48), (ulong)slot0Size);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(56), slot0Crc);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(60), slot0Flags);
        FixMdaCrc(b);
        return b;
    }

    public static void FixMdaCrc(byte[] sector) =>
        BinaryPrimitives.WriteUInt32LittleEndian(sector, Crc32.ComputeLvm(sector.AsSpan(4, 508)));

    private static void Put(byte[] b, ref int pos, long offset, long size)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(pos), (ulong)offset);
        BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(pos + 8), (ulong)size);
        pos += 16;
    }
}
