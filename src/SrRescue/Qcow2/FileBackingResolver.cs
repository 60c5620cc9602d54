using SrRescue.Diagnostics;
using SrRescue.Io;

namespace SrRescue.Qcow2;

/// <summary>
/// Finds a QCOW2 backing file among files: the name as written (absolute, or relative to the
/// child's folder as qemu reads it), then its base name in the child's folder, then the other names
/// the caller maps it to (the Xen layer maps an LV path to the file a copied LV was saved as).
/// Opened files are owned by the resolver.
/// </summary>
public sealed class FileBackingResolver : IQcow2BackingResolver, IDisposable
{
    private readonly string _folder;
    private readonly Func<string, IEnumerable<string>>? _otherNames;
    private readonly List<FileSource> _opened = [];

    /// <param name="folder">The child's folder: relative names are taken from here.</param>
    public FileBackingResolver(string folder, Func<string, IEnumerable<string>>? otherNames = null)
    {
        _folder = folder;
        _otherNames = otherNames;
    }

    public ResolvedBacking? Resolve(Qcow2Image child, FindingLog log)
    {
        ArgumentNullException.ThrowIfNull(child);
        ArgumentNullException.ThrowIfNull(log);
        var name = child.BackingFileName ?? "";
        var asWritten = Path.IsPathRooted(name) ? name : Path.Combine(_folder, name);
        foreach (var path in Candidates(name).Distinct(StringComparer.Ordinal))
        {
            if (File.Exists(path))
            {
                if (!string.Equals(Path.GetFullPath(path), Path.GetFullPath(asWritten), StringComparison.Ordinal))
                {
                    log.Add(Severity.Info, Qcow2Codes.ChainBackingFound, "QCOW2 backing file", -1,
                        $"the backing file '{name}' is not where the image says; {path} is read in its place", source: child.Name);
                }

                var source = FileSource.Open(path);
                _opened.Add(source);
                return new ResolvedBacking(source, Path.GetFullPath(path));
            }
        }

        return null;
    }

    public void Dispose()
    {
        foreach (var f in _opened)
        {
            f.Dispose();
        }

        _opened.Clear();
    }

    private IEnumerable<string> Candidates(string name)
    {
        if (name.Length == 0 || name.Contains('\0', StringComparison.Ordinal))
        {
            yield break;
        }

        yield return Path.IsPathRooted(name) ? name : Path.Combine(_folder, name);
        yield return Path.Combine(_folder, Path.GetFileName(name));
        foreach (var other in _otherNames?.Invoke(name) ?? [])
        {
            yield return Path.Combine(_folder, Path.GetFileName(other));
        }
    }
}
