using SrRescue.Diagnostics;
using SrRescue.Io;
using SrRescue.Qcow2;
using SrRescue.Vhd;
using SrRescue.Xen;

namespace SrRescue.Cli.Commands;

/// <summary>The FILE of a `vhd` or `qcow2` subcommand, opened read-only: where it is, how a VHD's footers are read, where parents and backing files are.</summary>
internal sealed class ImageFile : IDisposable
{
    private ImageFile(string path, FileSource source)
    {
        Path = path;
        Source = source;
    }

    /// <summary>FILE as it was given (the reports name it so).</summary>
    public string Path { get; }

    public FileSource Source { get; }

    /// <summary>
    /// A block device or a file named after an LV (`VHD-&lt;uuid&gt;`) is taken to be an LV of an
    /// LVHD SR, where a primary footer that is not at the end is normal; another file is read by
    /// the VHD rules alone.
    /// </summary>
    public FooterPolicy Footers => LvhdFooters.For(Path, Source.IsBlockDevice);

    /// <summary>The folder FILE is in, where its parents are looked for unless told otherwise.</summary>
    public string Folder => System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!;

    public static ImageFile Open(string path) => new(path, FileSource.Open(path));

    /// <summary>Finds parents in <paramref name="folder"/> (FILE's own by default) by every name XenServer gives a parent's file.</summary>
    public FileParentResolver Parents(string? folder = null) => LvhdParentFiles.Resolver(folder ?? Folder);

    /// <summary>FILE's VHD chain, FILE read by <see cref="Footers"/>, its parents found by <paramref name="resolver"/> (which reads each by where it lives).</summary>
    public VhdChain OpenVhdChain(FileParentResolver resolver, FindingLog log) => VhdChain.Open(Source, Path, resolver, log, Footers);

    /// <summary>Finds QCOW2 backing files in <paramref name="folder"/> (FILE's own by default) by every name XCP-ng gives them.</summary>
    public FileBackingResolver Backings(string? folder = null) => Qcow2BackingFiles.Resolver(folder ?? Folder);

    public void Dispose() => Source.Dispose();
}
