using SrRescue.Cli.Output;
using SrRescue.Io;
using SrRescue.Vhd;

namespace SrRescue.Cli.Commands;

/// <summary>The output formats of export that need more than a sparse copy.</summary>
internal static class ExportWriters
{
    /// <summary>
    /// One dynamic VHD of the coalesced chain, with the leaf VHD's footer uuid (a new one for a
    /// QCOW2 chain or a raw disk). It keeps the leaf's hidden flag off: an exported VDI is meant to
    /// be used, and XenServer's scan ignores (and its GC deletes) a hidden leaf.
    /// </summary>
    public static long WriteVhd(IByteSource disk, Guid? uuid, FileStream output, ProgressBar bar) =>
        DynamicVhdWriter.Write(disk, output, new DynamicVhdWriteOptions { Uuid = uuid }, bar).DataBytes;
}
