using System.Buffers;
using System.Buffers.Binary;
using SrRescue.Diagnostics;
using SrRescue.Io;

namespace SrRescue.Vhd;

/// <summary>
/// Writes a repaired copy of a damaged VHD into a new file; the source is only read. The layout is
/// kept (every block stays where it is), so what survived reads back exactly; on top of it: both
/// footers from the good copy, the header with damaged fields recovered and its checksum
/// recomputed, BAT entries that cannot be right dropped, orphaned blocks (data whose BAT entry was
/// lost, found on the allocation grid) put back where the surviving structures name their place
/// uniquely, the batmap rebuilt from the bitmaps, and a file cut short completed with zeros. The
/// report lists every change and every block put back, kept in part, or lost.
/// </summary>
public static class VhdRepairer
{
    /// <summary>Candidate positions listed per orphan (the count is always given).</summary>
    public const int MaxCandidatesListed = 64;

    private const int CopyChunkBytes = 4 << 20;

    public static VhdRepairReport Repair(IByteSource damaged, Stream output, VhdRepairOptions options, FindingLog log)
    {
        ArgumentNullException.ThrowIfNull(damaged);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(log);
        if (!output.CanSeek || !output.CanWrite)
        {
            throw new ArgumentException("the output must be a writable, seekable stream (a new file)", nameof(output));
        }

        var before = log.Count;
        var v0 = VhdChecker.Inspect(damaged, new VhdCheckOptions { Footers = options.Footers }, log);
        var findings = log.Snapshot().Skip(before).ToList();
        var actions = new List<RepairAction>();
        var (footerBytes, footer) = FooterRepair.Build(v0, actions);
        var sourceBytes = damaged.Length;
        var baseBytes = RoundUp512(sourceBytes);
        if (!footer.IsDynamicOrDifferencing)
        {
            var fixedBytes = Math.Max(baseBytes, RoundUp512((long)Math.Min(footer.CurrentSizeBytes, long.MaxValue / 2)) + VhdFooter.Size);
            var disk = new PatchedSource(damaged, fixedBytes);
            disk.Patch(fixedBytes - VhdFooter.Size, footerBytes);
            Resized(actions, sourceBytes, fixedBytes, "a fixed disk is its data and then the footer");
            Write(disk, output, options.Progress);
            return Report(damaged, footer, v0, fixedBytes, 0, actions, 0, [], [], [], findings);
        }

        var headerBytes = HeaderRepair.Build(v0, footer, actions);
        var headerAt = v0.Header!.At;

        // Read the rest through the repaired footer and header. Should the repaired header still
        // not place the batmap where its max_table_entries says, take what the facts say and look again.
        var v1 = Reinspect(damaged, footerBytes, headerAt, headerBytes, baseBytes, options);
        if (v1.Header is { RecoveredMaxTableEntries: { } again, Parsed: { } h1 } recovered)
        {
            actions.Add(new RepairAction(HeaderRepair.What, headerAt + DynamicHeader.Off.MaxTableEntries, "max_table_entries", h1.MaxTableEntries.ToString(), again.ToString(), recovered.RecoveryEvidence ?? "recovered"));
            BinaryPrimitives.WriteUInt32BigEndian(headerBytes.AsSpan(DynamicHeader.Off.MaxTableEntries), again);
            headerBytes = DynamicHeader.WithChecksum(headerBytes);
            v1 = Reinspect(damaged, footerBytes, headerAt, headerBytes, baseBytes, options);
        }

        // The BAT stage runs whenever the header places the BAT inside the file, as the repaired one does.
        if (v1 is not { Header: { Parsed: not null, BlockSizeBytes: > 0 } header, Batmap: { } batmap, Bat: { } batStage } || header.BatAt < 0 || header.BatAt >= sourceBytes)
        {
            throw new CorruptDataException(new Finding(Severity.Error, "vhd.repair.no-bat", "VHD BAT", Math.Max(0, v1.Header?.BatAt ?? -1),
                "even with the header repaired the BAT cannot be located: no block can be found", Source: damaged.Name));
        }

        // Entries the file does not hold (it ends inside the BAT) are unallocated, not sector 0.
        var stored = batStage.Entries.ToArray();
        for (var i = 0; i < stored.Length; i++)
        {
            if (header.BatAt + (4L * i) + 4 > sourceBytes)
            {
                stored[i] = VhdImage.Unallocated;
            }
        }

        var grid = AllocationGrid.Of(stored, header.BitmapSectors, v1.Footers.IsCreatorTap);
        var batFix = BatRepair.Build(v1.Input.Log, header, batStage.EndOfHeadersBytes, stored, sourceBytes, grid);
        actions.AddRange(batFix.Actions);
        var bat = batFix.Bat;
        var orphans = OrphanScanner.Scan(damaged, bat, batStage.EndOfHeadersBytes, header.BitmapSectors, (int)header.SectorsPerBlock, grid)
            .Select(f => Describe(f, header, sourceBytes)).ToList();
        var lost = batFix.Lost.Concat(OrphanPlacement.Place(orphans, bat, b => batmap.Valid && batmap.SaysFull(b), b => BitmapEdges(damaged, bat[b], header))).ToList();
        var partial = batFix.Partial.Concat(orphans.Where(o => o.Block is not null && o.DataPresent < header.BlockSizeBytes)
            .Select(o => new PartialBlock(o.Block!.Value, o.Found.BitmapSector * VhdImage.SectorSize, o.DataPresent, header.BlockSizeBytes))).ToList();
        var placed = orphans.Where(o => o.Block is not null).ToList();
        foreach (var o in placed.Take(BatRepair.MaxActionsListed))
        {
            actions.Add(new RepairAction(BatRules.What, header.BatAt + (4L * o.Block!.Value), $"entry of block {o.Block}", "0xffffffff (unallocated)",
                $"0x{o.Found.BitmapSector:x8}", $"orphaned block at byte {o.Found.BitmapSector * VhdImage.SectorSize} put back: {o.Evidence}"));
        }

        if (placed.Count > BatRepair.MaxActionsListed)
        {
            actions.Add(new RepairAction(BatRules.What, header.BatAt, "entries", "unallocated", $"{placed.Count} orphans put back",
                $"{placed.Count - BatRepair.MaxActionsListed} more like the above are not listed (the report's orphans are)"));
        }

        long dataEnd = 0, firstBlock = long.MaxValue;
        foreach (var e in bat.Where(e => e != VhdImage.Unallocated))
        {
            dataEnd = Math.Max(dataEnd, (e + header.BlockFootprintSectors) * VhdImage.SectorSize);
            firstBlock = Math.Min(firstBlock, (long)e * VhdImage.SectorSize);
        }

        // A tapdisk image whose batmap is gone gets a new one after the BAT, if no block is there.
        var metadataEnd = batStage.EndOfHeadersBytes;
        if (v1.Footers.ExpectsBatmap && batmap.Header is null && batmap.HeaderAt < firstBlock)
        {
            metadataEnd = Math.Max(metadataEnd, batmap.HeaderAt + BatmapHeader.Size + BatmapRebuild.MapBytes(header.MaxTableEntries));
        }

        var outBytes = Math.Max(v1.Input.LengthBytes, Math.Max(dataEnd, metadataEnd) + VhdFooter.Size);
        var final = new PatchedSource(damaged, outBytes);
        final.Patch(0, footerBytes);
        final.Patch(headerAt, headerBytes);
        var batRegionBytes = MaxTableEntriesRecovery.RoundUp512((long)header.MaxTableEntries * 4);
        if (header.BatAt + batRegionBytes > sourceBytes)
        {
            // The file ends inside the BAT: write all of it, unused entries unallocated.
            var region = new byte[batRegionBytes];
            region.AsSpan().Fill(0xFF);
            Encode(bat).CopyTo(region, 0);
            final.Patch(header.BatAt, region);
        }
        else if (!bat.AsSpan().SequenceEqual(stored))
        {
            final.Patch(header.BatAt, Encode(bat));
        }

        foreach (var (at, bytes) in BatmapRebuild.Build(v1, header, batmap, damaged, bat, Math.Min(firstBlock, outBytes - VhdFooter.Size), actions))
        {
            final.Patch(at, bytes);
        }

        final.Patch(outBytes - VhdFooter.Size, footerBytes);
        Resized(actions, sourceBytes, outBytes, dataEnd > sourceBytes ? "the last block is completed with zeros and the footer follows it"
            : dataEnd >= metadataEnd ? "the footer goes after the last block" : "the footer goes after the metadata");
        Write(final, output, options.Progress);

        var report = orphans.Select(o => ToReport(o, damaged, header, options)).ToList();
        return Report(damaged, footer, v0, outBytes, header.BlockSizeBytes, actions, batFix.Kept, report, lost, partial, findings);
    }

    private static VhdInspection Reinspect(IByteSource damaged, byte[] footerBytes, long headerAt, byte[] headerBytes, long baseBytes, VhdRepairOptions options)
    {
        // The footer goes at the end of the view: past the BAT, or it would lie over it.
        var table = BinaryPrimitives.ReadUInt64BigEndian(headerBytes.AsSpan(DynamicHeader.Off.TableOffset));
        var max = BinaryPrimitives.ReadUInt32BigEndian(headerBytes.AsSpan(DynamicHeader.Off.MaxTableEntries));
        var batEnd = table < (ulong)damaged.Length ? (long)table + MaxTableEntriesRecovery.RoundUp512(Math.Min(max, VhdImage.MaxBatEntries) * 4L) : 0;
        var view = new PatchedSource(damaged, Math.Max(baseBytes, Math.Max(headerAt + DynamicHeader.Size, batEnd) + VhdFooter.Size));
        view.Patch(0, footerBytes);
        view.Patch(headerAt, headerBytes);
        view.Patch(view.Length - VhdFooter.Size, footerBytes);
        return VhdChecker.Inspect(view, new VhdCheckOptions { Footers = options.Footers }, new FindingLog());
    }

    private static (bool First, bool Last) BitmapEdges(IByteSource source, uint bitmapSector, HeaderStage header)
    {
        var bitmap = new byte[header.BitmapSectors * VhdImage.SectorSize];
        var n = source.ReadFullyAt(bitmapSector * (long)VhdImage.SectorSize, bitmap);
        return OrphanScanner.BitmapEdges(bitmap.AsSpan(0, n), (int)header.SectorsPerBlock);
    }

    private static OrphanPlacement.Orphan Describe(OrphanScanner.Found f, HeaderStage header, long sourceBytes)
    {
        var dataAt = (f.BitmapSector + header.BitmapSectors) * VhdImage.SectorSize;
        return new OrphanPlacement.Orphan
        {
            Found = f,
            SectorsSet = f.SectorsSet,
            IsFull = f.IsFull,
            DataPresent = Math.Clamp(sourceBytes - dataAt, 0, header.BlockSizeBytes),
        };
    }

    private static OrphanBlock ToReport(OrphanPlacement.Orphan o, IByteSource damaged, HeaderStage header, VhdRepairOptions options)
    {
        var at = o.Found.BitmapSector * VhdImage.SectorSize;
        string? saved = null;
        if (o.Block is null && options.OrphanPathPrefix is { } prefix)
        {
            saved = $"{prefix}.orphan-{at}.bin";
            using var file = OutputFile.Create(saved, options.Overwrite);
            Copy(damaged, at + ((long)header.BitmapSectors * VhdImage.SectorSize), o.DataPresent, file);
            file.Commit();
        }

        return new OrphanBlock
        {
            BitmapOffsetBytes = at,
            SectorsPresent = o.SectorsSet,
            IsFull = o.IsFull,
            DataBytesPresent = o.DataPresent,
            CandidateBlocks = o.Candidates,
            CandidateCount = o.CandidateCount,
            PlacedAsBlock = o.Block,
            Inferred = o.Inferred,
            Evidence = o.Evidence,
            SavedAs = saved,
        };
    }

    private static VhdRepairReport Report(IByteSource damaged, VhdFooter footer, VhdInspection v0, long outBytes, long blockBytes, List<RepairAction> actions, int kept,
        List<OrphanBlock> orphans, List<LostBlock> lost, List<PartialBlock> partial, List<Finding> findings) => new()
        {
            SourceName = damaged.Name,
            DiskType = footer.DiskType,
            VirtualSizeBytes = (long)Math.Min(footer.CurrentSizeBytes, long.MaxValue),
            Uuid = footer.Uuid,
            BlockSizeBytes = blockBytes,
            FooterFrom = v0.Footers.ChosenCopy,
            OutputSizeBytes = outBytes,
            Actions = actions,
            BlocksKept = kept,
            Orphans = orphans,
            Lost = lost,
            Partial = partial,
            Findings = findings,
        };

    private static void Resized(List<RepairAction> actions, long from, long to, string why)
    {
        if (from != to)
        {
            actions.Add(new RepairAction("VHD file", from, "file size", from.ToString(), to.ToString(), why));
        }
    }

    private static byte[] Encode(uint[] bat)
    {
        var bytes = new byte[bat.Length * 4];
        for (var i = 0; i < bat.Length; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(i * 4), bat[i]);
        }

        return bytes;
    }

    private static long RoundUp512(long bytes) => (bytes + VhdImage.SectorSize - 1) / VhdImage.SectorSize * VhdImage.SectorSize;

    /// <summary>Copies the repaired view into the output in large chunks, leaving all-zero chunks as holes.</summary>
    private static void Write(PatchedSource disk, Stream output, IProgress<WorkProgress>? progress)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(CopyChunkBytes);
        try
        {
            for (long pos = 0; pos < disk.Length; pos += CopyChunkBytes)
            {
                var chunk = buffer.AsSpan(0, (int)Math.Min(CopyChunkBytes, disk.Length - pos));
                var n = disk.ReadFullyAt(pos, chunk);
                chunk[n..].Clear();
                if (chunk.ContainsAnyExcept((byte)0))
                {
                    output.Position = pos;
                    output.Write(chunk);
                }

                progress?.Report(new WorkProgress("repair", pos + chunk.Length, disk.Length));
            }

            output.SetLength(disk.Length);
            output.Flush();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static void Copy(IByteSource source, long at, long bytes, Stream target)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(CopyChunkBytes);
        try
        {
            for (long done = 0; done < bytes; done += CopyChunkBytes)
            {
                var chunk = buffer.AsSpan(0, (int)Math.Min(CopyChunkBytes, bytes - done));
                var n = source.ReadFullyAt(at + done, chunk);
                chunk[n..].Clear();
                target.Write(chunk);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
