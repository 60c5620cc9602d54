namespace SrRescue.Lvm;

/// <summary>The LVM finding codes that other code acts on.</summary>
public static class LvmCodes
{
    /// <summary>Every finding of the restore-metadata builder starts with this.</summary>
    public const string RestorePrefix = "lvm.restore.";

    public static bool IsRestore(string code) => code.StartsWith(RestorePrefix, StringComparison.Ordinal);
}
