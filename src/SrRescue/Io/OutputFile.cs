namespace SrRescue.Io;

/// <summary>
/// Creates output files the safe way: never over an existing file unless forced, and never at a
/// path that is one of the sources (the sources are never written).
/// </summary>
public static class OutputFile
{
    public static FileStream Create(string path, bool overwrite)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return new FileStream(path, overwrite ? FileMode.Create : FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
    }

    /// <summary>Refuses an output path that resolves to one of the sources.</summary>
    public static void EnsureNotASource(string output, IEnumerable<string> sources)
    {
        ArgumentNullException.ThrowIfNull(sources);
        var full = Path.GetFullPath(output);
        foreach (var s in sources)
        {
            if (string.Equals(Path.GetFullPath(s), full, StringComparison.Ordinal))
            {
                throw new IOException($"the output {output} is one of the sources; sources are never written");
            }
        }
    }
}
