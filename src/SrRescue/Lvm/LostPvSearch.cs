using System.Buffers;
using System.Buffers.Binary;
using SrRescue.Diagnostics;
using SrRescue.Io;

namespace SrRescue.Lvm;

/// <summary>
/// Finds LVM PVs on a disk whose partition table is gone (fault F1): a PV label (LABELONE at the
/// start of one of a PV's sectors 0-3, with the sector number it claims and a matching CRC) can
/// be anywhere on a 512-byte boundary. The disk is read sequentially in large chunks, the next
/// chunk is read while the current one is searched, and the search compares one 8-byte word per
/// sector, so the whole runs at the speed of the read.
/// </summary>
internal static class LostPvSearch
{
    public const int ChunkBytes = 16 << 20;

    /// <summary>Each chunk is read as this many pieces in parallel (page-cache copies scale with cores).</summary>
    private const int ReadParts = 2;

    private static readonly ulong MagicWord = BinaryPrimitives.ReadUInt64LittleEndian(LabelHeader.Magic);

    public static IReadOnlyList<FoundPv> Find(IByteSource disk, FindingLog log, IProgress<WorkProgress>? progress = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(disk);
        ArgumentNullException.ThrowIfNull(log);
        var found = new List<FoundPv>();
        var current = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        var next = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            var pos = NextData(disk, 0);
            var n = pos < disk.Length ? ReadChunk(disk, pos, current) : 0;
            for (; pos < disk.Length && n > 0; pos = NextData(disk, pos + ChunkBytes))
            {
                cancel.ThrowIfCancellationRequested();
                var nextPos = NextData(disk, pos + ChunkBytes);
                var buffer = next;
                var prefetch = nextPos < disk.Length ? Task.Run(() => ReadChunk(disk, nextPos, buffer), cancel) : Task.FromResult(0);
                SearchChunk(current.AsSpan(0, n), pos, disk.Name, found, log);
                progress?.Report(new WorkProgress("searching for LVM labels", pos + n, disk.Length));
                n = prefetch.GetAwaiter().GetResult();
                (current, next) = (next, current);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(current);
            ArrayPool<byte>.Shared.Return(next);
        }

        return found;
    }

    /// <summary>
    /// The next sector-aligned position that may hold data: holes of a sparse image read as zeros
    /// and cannot hold a label, so they are skipped without reading.
    /// </summary>
    private static long NextData(IByteSource disk, long pos) =>
        disk is ISparseSource sparse && pos < disk.Length
            ? sparse.NextDataOffset(pos, disk.Length) / LabelHeader.SectorSize * LabelHeader.SectorSize
            : pos;

    private static int ReadChunk(IByteSource disk, long pos, byte[] buffer)
    {
        var want = (int)Math.Min(ChunkBytes, disk.Length - pos);
        var part = ChunkBytes / ReadParts;
        var got = new int[ReadParts];
        Parallel.For(0, ReadParts, i =>
        {
            var from = i * part;
            if (from < want)
            {
                got[i] = disk.ReadFullyAt(pos + from, buffer.AsSpan(from, Math.Min(part, want - from)));
            }
        });

        // A short read of one part ends the chunk there: what follows it was not read.
        var total = 0;
        for (var i = 0; i < ReadParts && total == i * part; i++)
        {
            total += got[i];
        }

        return total;
    }

    /// <summary>Chunks start on a sector boundary, so every label candidate is at a multiple of 512 in the chunk.</summary>
    internal static void SearchChunk(ReadOnlySpan<byte> chunk, long chunkOffset, string source, List<FoundPv> found, FindingLog log)
    {
        for (var at = 0; at + LabelHeader.SectorSize <= chunk.Length; at += LabelHeader.SectorSize)
        {
            if (BinaryPrimitives.ReadUInt64LittleEndian(chunk[at..]) != MagicWord)
            {
                continue;
            }

            var sector = chunk.Slice(at, LabelHeader.SectorSize);
            var quiet = new FindingLog();
            var claimed = BinaryPrimitives.ReadUInt64LittleEndian(sector[LabelHeader.Off.SectorXl..]);
            if (claimed >= LabelHeader.ScanSectors || !LabelHeader.TryRead(sector, chunkOffset + at, quiet, chunkOffset + at - ((long)claimed * LabelHeader.SectorSize), source, out var label))
            {
                continue;
            }

            var header = PvHeader.Read(sector, chunkOffset + at, quiet, source);
            var start = chunkOffset + at - ((long)claimed * LabelHeader.SectorSize);
            found.Add(new FoundPv(chunkOffset + at, start, header.PvUuid, header.DeviceSizeBytes, label.CrcMatches));
            log.Add(Severity.Info, "partitions.pv-found", "LVM label", chunkOffset + at,
                $"LVM label of PV {header.PvUuid} found; the PV starts at byte {start} and is {header.DeviceSizeBytes} bytes long{(label.CrcMatches ? "" : " (label checksum wrong)")}", source: source);
        }
    }
}
