namespace SrRescue.Vhd;

/// <summary>The VHD finding codes that other code acts on; the rest are written where they arise.</summary>
public static class VhdCodes
{
    /// <summary>Every finding about the chain (parents) starts with this; the others are about the file itself.</summary>
    public const string ChainPrefix = "vhd.chain.";

    public const string ChainParentMissing = ChainPrefix + "parent-missing";
    public const string ChainParentUuid = ChainPrefix + "parent-uuid";
    public const string ChainParentFound = ChainPrefix + "parent-found";
    public const string ChainParentUnreadable = ChainPrefix + "parent-unreadable";
    public const string ChainParentByUuid = ChainPrefix + "parent-by-uuid";
    public const string ChainParentFooterChecksum = ChainPrefix + "parent-footer-checksum";
    public const string ChainLoop = ChainPrefix + "loop";
    public const string ChainTooDeep = ChainPrefix + "too-deep";

    /// <summary>A footer copy whose cookie is gone because it was zeroed whole (LVHD kills the primary footer of an LV: vhd.md 6.4).</summary>
    public const string FooterKilled = "vhd.footer.killed";

    public const string FooterCookie = "vhd.footer.cookie";
    /// <summary>A size no VHD and no BAT can have (convert refuses to write such a disk).</summary>
    public const string FooterSizeImplausible = "vhd.footer.size-implausible";
    public const string FixedTruncated = "vhd.fixed.truncated";

    /// <summary>Whether <paramref name="code"/> is about the chain rather than the file.</summary>
    public static bool IsChain(string code) => code.StartsWith(ChainPrefix, StringComparison.Ordinal);
}
