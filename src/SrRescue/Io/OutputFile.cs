namespace SrRescue.Io;

/// <summary>
/// Creates output files the safe way: never over an existing file unless forced, and never at a
/// path that is one of the sources (the sources are never written), also not through a symlink or
/// a hard link to one; never a partial file under the final name (<see cref="PendingOutput"/>).
/// </summary>
public static class OutputFile
{
    /// <summary>
    /// A new output, written under a temporary name beside <paramref name="path"/>: call
    /// <see cref="PendingOutput.Commit"/> when it is complete; disposed uncommitted, it is removed.
    /// </summary>
    public static PendingOutput Create(string path, bool overwrite)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Directory.Exists(path))
        {
            throw new OutputRefusedException($"the output {path} is a directory; give a file name");
        }

        if (!overwrite && (Path.Exists(path) || new FileInfo(path).LinkTarget is not null))
        {
            throw new OutputRefusedException($"the output {path} already exists; give --force to overwrite it, or another name");
        }

        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        // Every command the same way, as carve does with its -o DIR: a missing folder of an output
        // is created (the doctor's plan names files in its --output-dir before anything made it).
        Directory.CreateDirectory(folder);

        var temporary = Path.Combine(folder, $".{Path.GetFileName(path)}.srrescue-{Environment.ProcessId}-{Guid.NewGuid():N}.part");
        return new PendingOutput(path, temporary, overwrite);
    }

    /// <summary>Refuses an output path that is one of the sources: the same path, a link to it, or the same file by device and inode.</summary>
    public static void EnsureNotASource(string output, IEnumerable<string> sources)
    {
        ArgumentNullException.ThrowIfNull(sources);
        var full = Path.GetFullPath(output);
        var outputId = FileIdentity.Of(output);
        foreach (var s in sources)
        {
            if (string.Equals(Path.GetFullPath(s), full, StringComparison.Ordinal))
            {
                throw new OutputRefusedException($"the output {output} is one of the sources; sources are never written");
            }

            if (outputId is { } o && FileIdentity.Of(s) is { } id && id == o)
            {
                throw new OutputRefusedException($"the output {output} is the same file as the source {s} (a link to it: device {o.Device}, inode {o.Inode}); sources are never written");
            }
        }
    }
}
