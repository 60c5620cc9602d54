using System.Buffers.Binary;
using System.Text;
using SrRescue.Diagnostics;

namespace SrRescue.Io;

/// <summary>
/// The file format of `partitions --write-table` (the sectors to put back) and of the undo journal
/// of `--in-place` (the old bytes of those sectors). Little-endian:
/// <code>
///    0  8  magic "SRRTABLE" (table) or "SRRUNDO1" (undo journal)
///    8  4  version (1)
///   12  4  record count (at most 64)
///   16  8  length in bytes of the disk the records are for
///   24  4  CRC-32 of the whole file with these 4 bytes taken as zero
///   28  2  length of the target path (UTF-8, journal only, at most 1024 bytes), path at 32
/// 1536 32× records: disk offset u64, length u64, file offset u64, CRC-32 of the data u32, and in a
///      journal the CRC-32 of the bytes the in-place write put there u32 (0: not recorded)
/// 4096 ..  the data of each record, each at a 4096-aligned file offset
/// </code>
/// Every data block is sector-aligned in the file, so a record can be applied with
/// <c>dd if=FILE of=DISK bs=512 skip=FILE_OFFSET/512 seek=DISK_OFFSET/512 count=LENGTH/512 conv=notrunc</c>.
/// </summary>
public static class PatchFile
{
    public const int MaxRecords = 64;
    public const int MaxPathBytes = 1024;
    public const int HeaderBytes = 4096;
    public const int RecordsAt = 1536;
    public const int RecordSize = 32;
    public const long MaxRecordBytes = 64L << 20;

    public static ReadOnlySpan<byte> TableMagic => "SRRTABLE"u8;

    public static ReadOnlySpan<byte> UndoMagic => "SRRUNDO1"u8;

    public static class Off
    {
        public const int Magic = 0;
        public const int Version = 8;
        public const int Count = 12;
        public const int TargetLength = 16;
        public const int Crc = 24;
        public const int PathLength = 28;
        public const int Path = 32;
    }

    /// <param name="WrittenCrcs">Per record, the CRC-32 of the bytes the in-place write put on the disk (0: not recorded).</param>
    public sealed record Contents(bool IsUndo, long TargetLengthBytes, string? TargetPath, IReadOnlyList<SectorPatch> Records, IReadOnlyList<long> FileOffsets, IReadOnlyList<uint> WrittenCrcs);

    /// <param name="writtenCrcs">For a journal: the CRC-32 of what the write puts over each record, so undo can tell whether the disk changed since.</param>
    public static byte[] Build(bool undo, long targetLength, string? targetPath, IReadOnlyList<SectorPatch> records, IReadOnlyList<uint>? writtenCrcs = null)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count > MaxRecords)
        {
            throw new ArgumentException($"at most {MaxRecords} records", nameof(records));
        }

        var path = Encoding.UTF8.GetBytes(targetPath ?? "");
        if (path.Length > MaxPathBytes)
        {
            throw new ArgumentException("target path too long", nameof(targetPath));
        }

        long size = HeaderBytes;
        var offsets = new long[records.Count];
        for (var i = 0; i < records.Count; i++)
        {
            offsets[i] = size;
            size += (records[i].Bytes.Length + 4095L) / 4096 * 4096;
        }

        var file = new byte[size];
        (undo ? UndoMagic : TableMagic).CopyTo(file);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(Off.Version), 1);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(Off.Count), (uint)records.Count);
        BinaryPrimitives.WriteInt64LittleEndian(file.AsSpan(Off.TargetLength), targetLength);
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(Off.PathLength), (ushort)path.Length);
        path.CopyTo(file.AsSpan(Off.Path));
        for (var i = 0; i < records.Count; i++)
        {
            var r = file.AsSpan(RecordsAt + (i * RecordSize), RecordSize);
            BinaryPrimitives.WriteInt64LittleEndian(r, records[i].OffsetBytes);
            BinaryPrimitives.WriteInt64LittleEndian(r[8..], records[i].Bytes.Length);
            BinaryPrimitives.WriteInt64LittleEndian(r[16..], offsets[i]);
            BinaryPrimitives.WriteUInt32LittleEndian(r[24..], Crc32.Compute(records[i].Bytes));
            BinaryPrimitives.WriteUInt32LittleEndian(r[28..], writtenCrcs?[i] ?? 0);
            records[i].Bytes.CopyTo(file.AsSpan((int)offsets[i]));
        }

        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(Off.Crc), Crc32.Compute(file));
        return file;
    }

    /// <summary>Reads and checks a patch file; any damage throws <see cref="CorruptDataException"/>: a damaged journal must not be applied.</summary>
    public static Contents Read(string path)
    {
        var info = new FileInfo(path);
        if (info.Length < HeaderBytes || info.Length > HeaderBytes + (MaxRecords * MaxRecordBytes))
        {
            throw Corrupt(path, 0, $"a patch file is {HeaderBytes} bytes or more; this one is {info.Length}");
        }

        var file = File.ReadAllBytes(path);
        var span = file.AsSpan();
        var undo = span[..8].SequenceEqual(UndoMagic);
        if (!undo && !span[..8].SequenceEqual(TableMagic))
        {
            throw Corrupt(path, 0, "not an srrescue table or undo file (magic)");
        }

        var stored = BinaryPrimitives.ReadUInt32LittleEndian(span[Off.Crc..]);
        BinaryPrimitives.WriteUInt32LittleEndian(span[Off.Crc..], 0);
        var computed = Crc32.Compute(span);
        if (stored != computed)
        {
            throw new CorruptDataException(new Finding(Severity.Error, "patch.crc", "patch file", Off.Crc, "the file's checksum is wrong; it is damaged and will not be applied", $"{stored:x8}", $"{computed:x8}", path));
        }

        var count = BinaryPrimitives.ReadUInt32LittleEndian(span[Off.Count..]);
        var pathLength = BinaryPrimitives.ReadUInt16LittleEndian(span[Off.PathLength..]);
        if (BinaryPrimitives.ReadUInt32LittleEndian(span[Off.Version..]) != 1 || count > MaxRecords || pathLength > MaxPathBytes)
        {
            throw Corrupt(path, Off.Version, "unknown version, or too many records");
        }

        var records = new List<SectorPatch>();
        var offsets = new List<long>();
        var written = new List<uint>();
        for (var i = 0; i < count; i++)
        {
            var r = span.Slice(RecordsAt + (i * RecordSize), RecordSize);
            var disk = BinaryPrimitives.ReadInt64LittleEndian(r);
            var length = BinaryPrimitives.ReadInt64LittleEndian(r[8..]);
            var at = BinaryPrimitives.ReadInt64LittleEndian(r[16..]);
            if (disk < 0 || length < 0 || length > MaxRecordBytes || at < HeaderBytes || at > file.Length - length)
            {
                throw Corrupt(path, RecordsAt + (i * RecordSize), $"record {i} points outside the file");
            }

            var data = span.Slice((int)at, (int)length).ToArray();
            if (Crc32.Compute(data) != BinaryPrimitives.ReadUInt32LittleEndian(r[24..]))
            {
                throw Corrupt(path, at, $"the data of record {i} is damaged");
            }

            records.Add(new SectorPatch(disk, data, $"record {i}"));
            offsets.Add(at);
            written.Add(BinaryPrimitives.ReadUInt32LittleEndian(r[28..]));
        }

        var target = pathLength == 0 ? null : Encoding.UTF8.GetString(span.Slice(Off.Path, pathLength));
        return new Contents(undo, BinaryPrimitives.ReadInt64LittleEndian(span[Off.TargetLength..]), target, records, offsets, written);
    }

    private static CorruptDataException Corrupt(string path, long at, string message) =>
        new(new Finding(Severity.Error, "patch.invalid", "patch file", at, message, Source: path));
}
