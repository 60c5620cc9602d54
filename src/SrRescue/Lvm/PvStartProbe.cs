using System.Buffers;
using SrRescue.Diagnostics;
using SrRescue.Io;

namespace SrRescue.Lvm;

/// <summary>
/// Looks for a lost PV's label only where a PV starts in practice, before any search of every
/// sector (<see cref="LostPvSearch"/>): a PV is a whole disk or a partition, and partitioning
/// tools since about 2010 (parted, fdisk, sgdisk, the XenServer installer) start partitions on a
/// 1 MiB boundary; older DOS tables at sector 63, and GPT tools of that time at sector 34. The
/// label is in one of the PV's sectors 0-3, so each place costs one read of 2 KiB: on 2 TiB,
/// 2 M reads of 2 KiB instead of reading 2 TiB. A PV in a partition that started elsewhere (a
/// DOS table's cylinder boundaries) is found only by the search of every sector.
/// </summary>
internal static class PvStartProbe
{
    /// <summary>Partitions start on this boundary in any table of the last fifteen years.</summary>
    public const long AlignmentBytes = 1L << 20;

    /// <summary>Where older tables put their first partition: sector 63 (DOS), sector 34 (early GPT tools).</summary>
    private static readonly long[] LegacyStarts = [63 * LabelHeader.SectorSize, 34 * LabelHeader.SectorSize];

    private const int ProbeBytes = LabelHeader.ScanSectors * LabelHeader.SectorSize;

    /// <summary>Places read one after the other by one thread (4 GiB of a disk).</summary>
    private const int BatchPlaces = 4096;

    /// <summary>Reads waiting on the device at once.</summary>
    private const int ReadsAtOnce = 16;

    /// <summary>The places probed on a source of <paramref name="length"/> bytes, in ascending order (byte 0 is not one: it was read first).</summary>
    public static IEnumerable<long> Places(long length)
    {
        foreach (var legacy in LegacyStarts.Order())
        {
            if (legacy + ProbeBytes <= length)
            {
                yield return legacy;
            }
        }

        for (var at = AlignmentBytes; at + ProbeBytes <= length; at += AlignmentBytes)
        {
            yield return at;
        }
    }

    /// <summary>
    /// The labels found in sectors 0-3 of every place (<see cref="Places"/>), in the order of the
    /// places, with a finding for each. The places are read by several threads at once: each read
    /// is small and waits on the device (on a loop device under load, 1 600 reads a second one at
    /// a time), so a device that serves several at once (SSD, SAN LUN) is kept busy.
    /// </summary>
    public static List<FoundPv> Find(IByteSource disk, FindingLog log, IProgress<WorkProgress>? progress = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(disk);
        ArgumentNullException.ThrowIfNull(log);
        var places = Places(disk.Length).Chunk(BatchPlaces).ToList();
        var results = new (List<FoundPv> Found, FindingLog Log)[places.Count];
        var done = 0L;
        Parallel.For(0, places.Count, new ParallelOptions { MaxDegreeOfParallelism = ReadsAtOnce, CancellationToken = cancel }, i =>
        {
            results[i] = (new List<FoundPv>(), new FindingLog());
            var buffer = ArrayPool<byte>.Shared.Rent(ProbeBytes);
            try
            {
                foreach (var at in places[i])
                {
                    // A hole of a sparse image cannot hold a label: nothing to read.
                    if (disk is ISparseSource sparse && sparse.NextDataOffset(at, at + ProbeBytes) >= at + ProbeBytes)
                    {
                        continue;
                    }

                    var n = disk.ReadFullyAt(at, buffer.AsSpan(0, ProbeBytes));
                    LostPvSearch.SearchChunk(buffer.AsSpan(0, n), at, disk.Name, results[i].Found, results[i].Log);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            progress?.Report(new WorkProgress("looking for an LVM label where partitions start", Interlocked.Add(ref done, places[i].Length) * AlignmentBytes, disk.Length));
        });

        var found = new List<FoundPv>();
        foreach (var (batchFound, batchLog) in results)
        {
            found.AddRange(batchFound);
            foreach (var f in batchLog)
            {
                log.Add(f);
            }
        }

        return found;
    }
}
