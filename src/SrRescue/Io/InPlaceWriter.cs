using SrRescue.Diagnostics;

namespace SrRescue.Io;

/// <summary>
/// The only code that writes to a source (DESIGN.md, safety rules): it first saves the old bytes
/// of every range it will write to an undo journal (created new, flushed to the disk), and only
/// then writes. <see cref="Undo"/> puts the old bytes back exactly.
/// </summary>
public static class InPlaceWriter
{
    /// <summary>Writes <paramref name="patches"/> to <paramref name="target"/> after writing the undo journal; returns the journal's size.</summary>
    public static long Apply(string target, IReadOnlyList<SectorPatch> patches, string journalPath)
    {
        ArgumentNullException.ThrowIfNull(patches);
        var full = Path.GetFullPath(target);
        using var disk = new FileStream(full, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite, 1, FileOptions.WriteThrough);
        var length = Measure(FileSource.Open(full));
        var old = new List<SectorPatch>(patches.Count);
        foreach (var p in patches)
        {
            if (p.OffsetBytes < 0 || p.OffsetBytes + p.Bytes.Length > length)
            {
                throw new IOException($"{p.What} at byte {p.OffsetBytes} lies beyond the end of {target} ({length} bytes); nothing was written");
            }

            var bytes = new byte[p.Bytes.Length];
            disk.Position = p.OffsetBytes;
            disk.ReadExactly(bytes);
            old.Add(new SectorPatch(p.OffsetBytes, bytes, p.What));
        }

        var journal = PatchFile.Build(undo: true, length, full, old, [.. patches.Select(p => Crc32.Compute(p.Bytes))]);
        using (var j = OutputFile.Create(journalPath, overwrite: false))
        {
            j.Write(journal);
            j.Commit(); // flushed and named before the disk is touched
        }

        Write(disk, patches);
        return journal.Length;
    }

    /// <summary>
    /// Restores the old bytes a journal holds, to the target it names or to <paramref name="target"/>,
    /// after checking that each range still holds what the in-place write put there (or already the
    /// old bytes): a disk changed since (an SR attached and written, a table edited) is refused, as
    /// putting the old bytes back would overwrite that change, unless <paramref name="force"/>.
    /// </summary>
    public static (string Target, int Records) Undo(string journalPath, string? target = null, bool force = false)
    {
        var contents = PatchFile.Read(journalPath);
        if (!contents.IsUndo)
        {
            throw new IOException($"{journalPath} is a table file, not an undo journal");
        }

        var path = target ?? contents.TargetPath ?? throw new IOException($"{journalPath} does not name its target; give it");
        using var disk = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite, 1, FileOptions.WriteThrough);
        var length = Measure(FileSource.Open(path));
        if (length != contents.TargetLengthBytes)
        {
            throw new IOException($"{path} is {length} bytes but the journal was written for {contents.TargetLengthBytes} bytes; nothing was written");
        }

        for (var i = 0; i < contents.Records.Count && !force; i++)
        {
            var r = contents.Records[i];
            var now = new byte[r.Bytes.Length];
            disk.Position = r.OffsetBytes;
            disk.ReadExactly(now);
            var crc = Crc32.Compute(now);
            if (contents.WrittenCrcs[i] != 0 && crc != contents.WrittenCrcs[i] && crc != Crc32.Compute(r.Bytes))
            {
                throw new CorruptDataException(new Finding(Severity.Error, "undo.disk-changed", "undo journal", r.OffsetBytes,
                    $"bytes {r.OffsetBytes}-{r.OffsetBytes + r.Bytes.Length - 1} of {path} no longer hold what the in-place write put there: the disk changed since, and undoing would overwrite that change; nothing was written (--force restores the journal's bytes anyway)",
                    $"{crc:x8}", $"{contents.WrittenCrcs[i]:x8}", journalPath));
            }
        }

        Write(disk, contents.Records);
        return (path, contents.Records.Count);
    }

    private static long Measure(FileSource source)
    {
        using (source)
        {
            return source.Length;
        }
    }

    private static void Write(FileStream disk, IReadOnlyList<SectorPatch> patches)
    {
        foreach (var p in patches)
        {
            disk.Position = p.OffsetBytes;
            disk.Write(p.Bytes);
        }

        disk.Flush(flushToDisk: true);
    }
}
