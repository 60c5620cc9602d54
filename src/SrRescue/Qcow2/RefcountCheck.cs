using System.Globalization;
using System.Numerics;
using SrRescue.Diagnostics;

namespace SrRescue.Qcow2;

/// <summary>
/// The last two steps of qemu-img check's refcount pass: the refcount blocks themselves
/// (check_refblocks: reserved bits, alignment, inside the file, referenced once) and the
/// comparison of every host cluster's stored refcount with the references found
/// (compare_refcounts): more stored is a leak (space lost, no data at risk), fewer is a corruption
/// (a cluster in use could be handed out again). The comparison also finds the image's end (the
/// last cluster with either count) and the clusters two kinds of structure claim.
/// </summary>
internal static class RefcountCheck
{
    public static void CheckBlocks(CheckContext c, StoredRefcounts stored)
    {
        const string what = "QCOW2 refcount table entry";
        var table = stored.TableInFile;
        for (var i = 0; i < table.Length; i++)
        {
            var entry = table[i];
            var at = stored.TableOffset + (i * 8L);
            var offset = entry & StoredRefcounts.OffsetMask;
            if ((entry & StoredRefcounts.ReservedMask) != 0)
            {
                c.Corruption(Qcow2Codes.RefcountTableReserved, what, at, $"refcount table entry {i} has reserved bits set (qemu: refcount table entry {i} has reserved bits set); its block is not counted",
                    $"0x{entry:x16}", $"bits 0x{StoredRefcounts.ReservedMask:x} clear");
                continue;
            }

            if ((offset & (ulong)(c.ClusterSize - 1)) != 0)
            {
                c.Corruption(Qcow2Codes.RefcountBlockUnaligned, what, at,
                    $"refcount block {i} is at byte {offset}, not a cluster boundary (qemu: refcount block {i} is not cluster aligned; refcount table entry corrupted); none of its refcounts can be read",
                    offset.ToString(CultureInfo.InvariantCulture), $"a multiple of {c.ClusterSize}");
                continue;
            }

            if ((offset >> c.ClusterBits) >= (ulong)c.Computed.Count)
            {
                c.Corruption(Qcow2Codes.RefcountBlockOutside, what, at,
                    $"refcount block {i} is at byte {offset}, past the end of the file ({c.FileLength} bytes) (qemu: refcount block {i} is outside image); its refcounts read as 0",
                    offset.ToString(CultureInfo.InvariantCulture), $"below {c.FileLength}");
                continue;
            }

            if (offset == 0)
            {
                continue;
            }

            c.Reference(offset, c.ClusterSize, ClusterUse.RefcountBlock, what, at, $"refcount block {i}");
            var references = c.Computed.Get((long)(offset >> c.ClusterBits));
            if (references != 1)
            {
                c.Corruption(Qcow2Codes.RefcountBlockShared, "QCOW2 refcount block", (long)offset,
                    $"refcount block {i} is referenced {references} times by the time it is counted: something else uses its cluster (qemu: ERROR refcount block {i} refcount={references})",
                    references.ToString(CultureInfo.InvariantCulture), "1");
            }
        }
    }

    /// <summary>Compares every counted cluster; returns the index of the last cluster with a stored or counted refcount (0 when none).</summary>
    public static long Compare(CheckContext c, StoredRefcounts? stored)
    {
        var computed = c.Computed;
        var limit = Math.Min(computed.Count, computed.Capacity);
        long highest = 0;
        var perBlock = stored is null ? limit : 1L << stored.BlockBits;
        for (long first = 0; first < limit; first += perBlock)
        {
            var end = Math.Min(limit, first + perBlock);
            byte[]? block = null;
            var state = stored is null ? BlockState.None : stored.Block(first / perBlock, out block);
            if (state == BlockState.Unreadable)
            {
                // qemu cannot read any refcount of the block: a check error for each cluster.
                c.CheckError(Qcow2Codes.RefcountUnreadable, "QCOW2 refcount table entry", stored!.TableOffset + (first / perBlock * 8),
                    $"the refcounts of clusters {first} to {end - 1} cannot be read: their refcount block is not cluster aligned or lies past what qemu can read (qemu: Can't get refcount for cluster ..., one check error each)",
                    end - first);
                continue;
            }

            // A cluster nothing was found in and whose block is absent has 0 on both sides.
            var k = state == BlockState.Present ? first : computed.NextUsed(first, end);
            for (; k < end; k++)
            {
                var have = state == BlockState.Present ? StoredRefcounts.Decode(block!, k - first, stored!.RefcountOrder) : 0;
                var want = computed.Get(k);
                if (have > 0 || want > 0)
                {
                    highest = k;
                }

                if (have != want && stored is not null)
                {
                    Mismatch(c, stored, k, have, want);
                }
            }
        }

        ReportOverlaps(c, limit);
        return highest;
    }

    private static void Mismatch(CheckContext c, StoredRefcounts stored, long cluster, ulong have, ulong want)
    {
        const string what = "QCOW2 refcount";
        var at = stored.EntryOffset(cluster);
        var host = cluster << c.ClusterBits;
        var haveText = have.ToString(CultureInfo.InvariantCulture);
        var wantText = want.ToString(CultureInfo.InvariantCulture);
        if (have < want)
        {
            c.Corruption(Qcow2Codes.RefcountTooLow, what, at,
                $"cluster {cluster} (host offset {host}) has refcount {have} but {want} references: a write could reuse it while it is in use (qemu: ERROR cluster {cluster} refcount={have} reference={want}){c.DirtyNote}",
                haveText, wantText, severity: c.StaleSeverity(Severity.Error));
        }
        else
        {
            c.Leak(Qcow2Codes.RefcountLeak, what, at,
                $"cluster {cluster} (host offset {host}) has refcount {have} but {want} references: its space is lost until a repair (qemu: Leaked cluster {cluster} refcount={have} reference={want}){c.DirtyNote}",
                haveText, wantText);
        }
    }

    /// <summary>A cluster found holding two kinds of structure; qemu counts it only through the refcount it breaks.</summary>
    private static void ReportOverlaps(CheckContext c, long limit)
    {
        for (var k = c.Computed.NextUsed(0, limit); k < limit; k = c.Computed.NextUsed(k + 1, limit))
        {
            var uses = c.Computed.UsesOf(k);
            if (BitOperations.PopCount((uint)uses) > 1)
            {
                c.Findings.Add(Severity.Error, Qcow2Codes.Overlap, "QCOW2 cluster", k << c.ClusterBits,
                    $"host cluster {k} holds {ClusterUses.Describe(uses)}: one overwrites the other");
            }
        }
    }
}
