using SrRescue.Diagnostics;

namespace SrRescue.Vhd;

/// <summary>
/// Which of a VHD's two footer copies to go by, for the reader and the checker alike (they used
/// to choose by different rules and could read one file by different footers): a copy that passes
/// every rule vhd-util applies, the one at the end first (vhd.md 1.2); else one whose checksum
/// holds; else whichever could be parsed. The copy at offset 0 counts only for a dynamic or
/// differencing disk (a fixed disk has none).
/// </summary>
internal static class FooterSelection
{
    public static VhdFooter? Choose(VhdFooter? primary, bool primaryValid, VhdFooter? backup, bool backupValid) =>
        primaryValid ? primary
        : backupValid ? backup
        : new[] { primary, backup }.FirstOrDefault(f => f is not null && FooterRules.ChecksumOk(f)) ?? primary ?? backup;

    /// <summary>Whether the copy passes every rule that makes vhd-util reject a footer, into <paramref name="log"/>.</summary>
    public static bool IsValid(VhdFooter? footer, long at, FooterCopy copy, CappedFindings log, DateTime nowUtc) =>
        footer is not null && FooterRules.Validate(footer, at, Describe(copy), log, nowUtc) && (copy == FooterCopy.Primary || footer.IsDynamicOrDifferencing);

    /// <summary>The same, when only the answer is wanted.</summary>
    public static bool IsValid(VhdFooter? footer, long at, FooterCopy copy) =>
        IsValid(footer, at, copy, new CappedFindings(new FindingLog(), null), DateTime.UtcNow);

    public static string Describe(FooterCopy copy) => copy == FooterCopy.Primary ? "VHD footer (primary, at the end)" : "VHD footer copy (at offset 0)";
}
