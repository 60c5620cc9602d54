using SrRescue.Io;

namespace SrRescue.Nbd;

/// <summary>
/// What an NBD server serves: one read-only disk under a name (clients may also ask for the
/// default export, the empty name) with a line that describes it.
/// </summary>
public sealed class NbdExport
{
    public NbdExport(string name, string description, IByteSource disk)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(description);
        ArgumentNullException.ThrowIfNull(disk);
        Name = name;
        Description = description;
        Disk = disk;
    }

    public string Name { get; }

    public string Description { get; }

    public IByteSource Disk { get; }

    /// <summary>Whether the source can say where it reads as zeros: then reads send holes and BLOCK_STATUS reports them.</summary>
    public bool KnowsHoles => Disk is ISparseSource;

    internal bool Answers(string name) => name.Length == 0 || name == Name;

    /// <summary>
    /// Read-only, flush accepted (nothing to flush), several connections allowed (there is no
    /// cache to keep coherent), and DF once structured replies make it meaningful (nbd.md 4).
    /// </summary>
    internal static ushort TransmissionFlags(bool structuredReplies) => (ushort)(NbdConstants.HasFlags | NbdConstants.ReadOnly
        | NbdConstants.SendFlush | NbdConstants.CanMultiConn | (structuredReplies ? NbdConstants.SendDf : 0));
}
