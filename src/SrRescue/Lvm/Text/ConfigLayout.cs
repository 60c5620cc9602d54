namespace SrRescue.Lvm.Text;

/// <summary>How <see cref="ConfigWriter"/> orders the top level (lvm2.md 3.2).</summary>
internal enum ConfigLayout
{
    /// <summary>Every entry where the tree has it: parse → write → parse gives the same tree.</summary>
    AsParsed,

    /// <summary>
    /// The backup-file layout: top-level values (contents, version, description, creation_host,
    /// creation_time…) first, in their order, then the top-level sections. Below the top level the
    /// order is kept.
    /// </summary>
    BackupFile,
}
