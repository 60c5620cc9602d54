using SrRescue.Diagnostics;
using SrRescue.Qcow2;
using SrRescue.Vhd;

namespace SrRescue.Cli.Commands;

/// <summary>
/// When a VHD or QCOW2 file's chain cannot be read as a disk (an implausible size, a truncated
/// fixed VHD, an encrypted or external-data QCOW2) or misses a parent or backing file the user did
/// not allow to miss: the stop `vhd convert`, `qcow2 convert` and `serve` give, in the same words.
/// </summary>
internal static class ImageChainStops
{
    /// <param name="serving">The stop says "nothing served" (serve) instead of "nothing written" (convert).</param>
    public static void Vhd(ImageFile file, VhdChain chain, bool allowMissing, FindingLog log, bool serving = false)
    {
        if (log.FirstOrDefault(f => f.Code is VhdCodes.FooterSizeImplausible or VhdCodes.FixedTruncated) is { } size)
        {
            throw new StoppedException($"{size.Message}; {Nothing(serving)}", log);
        }

        if (!chain.IsComplete && !allowMissing)
        {
            throw new StoppedException($"the parent {chain.MissingParent} of {Path.GetFileName(chain.MemberNames[^1])} (in the chain of {file.Path}) was not found; {Nothing(serving)}. " +
                $"--allow-missing-parent {Allowed(serving)}", log);
        }
    }

    public static void Qcow2(ImageFile file, Qcow2Chain chain, bool allowMissing, FindingLog log, bool serving = false)
    {
        if (log.FirstOrDefault(f => f.Code is Qcow2Codes.SizeImplausible or Qcow2Codes.ExternalData or Qcow2Codes.Encrypted) is { } unreadable)
        {
            throw new StoppedException($"{unreadable.Message}; {Nothing(serving)}", log);
        }

        if (!chain.IsComplete && !allowMissing)
        {
            throw new StoppedException($"the backing file {chain.MissingBacking} of {Path.GetFileName(chain.MemberNames[^1])} (in the chain of {file.Path}) was not found; {Nothing(serving)}. " +
                $"--allow-missing-backing {Allowed(serving)}", log);
        }
    }

    private static string Nothing(bool serving) => serving ? "nothing served" : "nothing written";

    private static string Allowed(bool serving) => serving
        ? "serves what the chain found holds (the rest reads as zeros)."
        : "writes what the chain found holds (the rest as zeros) and lists those ranges.";
}
