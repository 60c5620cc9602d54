using System.Buffers;
using SrRescue.Diagnostics;
using SrRescue.Io;
using SrRescue.Lvm;

namespace SrRescue.Partitions;

/// <summary>
/// Finds LVM PVs on a disk whose partition table is gone (fault F1): a PV label (LABELONE at the
/// start of one of a PV's sectors 0-3, with the sector number it claims and a matching CRC) can
/// be anywhere on a 512-byte boundary. The disk is read sequentially in large chunks and searched
/// with a vectorised IndexOf, so the search runs at the speed of the read.
/// </summary>
public static class LostPvSearch
{
    public const int ChunkBytes = 8 << 20;

    public static IReadOnlyList<FoundPv> Find(IByteSource disk, FindingLog log, IProgress<WorkProgress>? progress = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(disk);
        ArgumentNullException.ThrowIfNull(log);
        var found = new List<FoundPv>();
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            for (long pos = 0; pos < disk.Length; pos += ChunkBytes)
            {
                cancel.ThrowIfCancellationRequested();
                var n = disk.ReadFullyAt(pos, buffer.AsSpan(0, (int)Math.Min(ChunkBytes, disk.Length - pos)));
                SearchChunk(buffer.AsSpan(0, n), pos, disk.Name, found, log);
                progress?.Report(new WorkProgress("searching for LVM labels", pos + n, disk.Length));
                if (n == 0)
                {
                    break;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return found;
    }

    private static void SearchChunk(ReadOnlySpan<byte> chunk, long chunkOffset, string source, List<FoundPv> found, FindingLog log)
    {
        var from = 0;
        while (from < chunk.Length)
        {
            var hit = chunk[from..].IndexOf(LabelHeader.Magic);
            if (hit < 0)
            {
                return;
            }

            var at = from + hit;
            from = at + 1;
            if ((chunkOffset + at) % LabelHeader.SectorSize != 0 || at + LabelHeader.SectorSize > chunk.Length)
            {
                continue;
            }

            var sector = chunk.Slice(at, LabelHeader.SectorSize);
            var quiet = new FindingLog();
            var claimed = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(sector[LabelHeader.Off.SectorXl..]);
            if (claimed >= LabelHeader.ScanSectors || !LabelHeader.TryRead(sector, (int)claimed, chunkOffset + at - ((long)claimed * LabelHeader.SectorSize), quiet, source, out var label))
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
