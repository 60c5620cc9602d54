namespace SrRescue.Recovery.Dom0;

/// <summary>Words for a POSIX sh script: single-quoted, so nothing in them is expanded.</summary>
internal static class ShellText
{
    public static string Quote(string word) => "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    /// <summary>
    /// An ssh target <c>user@host:dir</c> split at its first colon; the directory defaults to the
    /// remote home (".").
    /// </summary>
    public static (string Host, string Dir) SplitSsh(string target)
    {
        var colon = target.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? (target, ".") : (target[..colon], colon == target.Length - 1 ? "." : target[(colon + 1)..]);
    }
}
