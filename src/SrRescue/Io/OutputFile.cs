namespace SrRescue.Io;

/// <summary>
/// Creates output files the safe way: never over an existing file unless forced, and never at a
/// path that is one of the sources (the sources are never written), also not through a symlink or
/// a hard link to one.
/// </summary>
public static class OutputFile
{
    public static FileStream Create(string path, bool overwrite)
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

        return new FileStream(path, overwrite ? FileMode.Create : FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
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
