using SrRescue.Diagnostics;
using SrRescue.Io;

namespace SrRescue.Vhd;

/// <summary>
/// Finds the parent of a VHD file among the files beside it (file SRs, exported chains, the
/// fixtures): by the paths in the locators and header, by the other names the caller maps a
/// parent name to (the Xen layer maps an LVHD device-mapper name to `VHD-&lt;vdi uuid&gt;` and
/// `&lt;vdi uuid&gt;.vhd`), and finally by opening every VHD in the folder and
/// matching the footer UUID to the child's parent UUID. Opened parents are owned by the resolver.
/// </summary>
public sealed class FileParentResolver : IVhdParentResolver, IDisposable
{
    private const int MaxFolderFiles = 10_000;
    private readonly string _folder;
    private readonly List<FileSource> _opened = [];
    private readonly Func<string, IEnumerable<string>>? _otherNames;
    private readonly Func<string, FooterPolicy> _footersFor;
    private Dictionary<Guid, string>? _byUuid;

    /// <param name="folder">Where the child is; relative names are taken from here.</param>
    /// <param name="otherNames">Other file names a parent name may be found under in the folder (an LVHD SR's copies, named by LV or VDI uuid).</param>
    /// <param name="footersFor">How a parent's footers are read, by its path (null: a file's rules for all).</param>
    public FileParentResolver(string folder, Func<string, IEnumerable<string>>? otherNames = null, Func<string, FooterPolicy>? footersFor = null)
    {
        _folder = folder;
        _otherNames = otherNames;
        _footersFor = footersFor ?? (_ => FooterPolicy.File);
    }

    public ResolvedParent? Resolve(VhdImage child, FindingLog log)
    {
        ArgumentNullException.ThrowIfNull(child);
        var wanted = child.Header?.ParentUuid ?? Guid.Empty;
        foreach (var name in ParentName.Candidates(child, log))
        {
            foreach (var path in PathsFor(name))
            {
                if (File.Exists(path) && (wanted == Guid.Empty || FooterUuid(path, out _) == wanted))
                {
                    return Open(path, wanted, log, child);
                }
            }
        }

        if (wanted != Guid.Empty && ByUuid().TryGetValue(wanted, out var match))
        {
            log.Add(Severity.Info, VhdCodes.ChainParentByUuid, "VHD parent", -1,
                $"no locator names an existing file; {Path.GetFileName(match)} is the parent by its footer uuid {wanted}", source: child.Name);
            return Open(match, wanted, log, child);
        }

        return null;
    }

    private IEnumerable<string> PathsFor(string name)
    {
        var normal = name.Replace('\\', '/');
        yield return Path.IsPathRooted(normal) ? normal : Path.Combine(_folder, normal);
        yield return Path.Combine(_folder, Path.GetFileName(normal));
        foreach (var other in _otherNames?.Invoke(normal) ?? [])
        {
            yield return Path.Combine(_folder, other);
        }
    }

    private Dictionary<Guid, string> ByUuid()
    {
        if (_byUuid is not null)
        {
            return _byUuid;
        }

        _byUuid = [];
        foreach (var file in Directory.EnumerateFiles(_folder).Take(MaxFolderFiles))
        {
            if (FooterUuid(file, out _) is { } uuid)
            {
                _byUuid.TryAdd(uuid, file);
            }
        }

        return _byUuid;
    }

    /// <summary>The footer UUID of a file, from its last sector or sector 0, leniently (<see cref="VhdFooter.ReadUuidLeniently"/>); null when it is no VHD.</summary>
    private static Guid? FooterUuid(string path, out bool checksumMatches)
    {
        checksumMatches = false;
        try
        {
            using var f = FileSource.Open(path);
            return VhdFooter.ReadUuidLeniently(f, out checksumMatches);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return null;
    }

    private ResolvedParent Open(string path, Guid wanted, FindingLog log, VhdImage child)
    {
        if (wanted != Guid.Empty && FooterUuid(path, out var ok) == wanted && !ok)
        {
            log.Add(Severity.Warning, VhdCodes.ChainParentFooterChecksum, "VHD parent", -1,
                $"{Path.GetFileName(path)}: no footer copy passes its checksum, but its uuid {wanted} is the child's parent uuid: it is read as the parent, with the findings its own check gives", source: child.Name);
        }

        var f = FileSource.Open(path);
        _opened.Add(f);
        return new ResolvedParent(f, path, _footersFor(path));
    }

    public void Dispose()
    {
        foreach (var f in _opened)
        {
            f.Dispose();
        }
    }
}
