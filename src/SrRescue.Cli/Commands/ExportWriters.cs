using SrRescue.Cli.Output;
using SrRescue.Io;
using SrRescue.Vhd;

namespace SrRescue.Cli.Commands;

/// <summary>The output formats of export that need more than a sparse copy.</summary>
internal static class ExportWriters
{
    public static long WriteVhd(IByteSource disk, VhdChain chain, FileStream output, ProgressBar bar) =>
        throw new UsageException("--format vhd is not available yet; use --format raw");
}
