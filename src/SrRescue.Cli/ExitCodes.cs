namespace SrRescue.Cli;

/// <summary>The exit codes of DESIGN.md's command-line contract.</summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>Done, but the data has errors (partial recovery, damage found).</summary>
    public const int DataErrors = 1;

    public const int Usage = 2;

    /// <summary>I/O error or a source that cannot be read.</summary>
    public const int Io = 3;
}
