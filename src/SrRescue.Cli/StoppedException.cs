using SrRescue.Diagnostics;

namespace SrRescue.Cli;

/// <summary>
/// A command stops before its report because the data does not allow what was asked (exit code 1),
/// e.g. a chain whose parent is missing without --allow-missing-parent. It carries the findings
/// made so far, which the CLI prints as text or, under --json, in the error document.
/// </summary>
internal sealed class StoppedException : Exception
{
    public StoppedException(string message, FindingLog findings)
        : base(message)
    {
        Findings = findings;
    }

    public StoppedException()
    {
        Findings = new FindingLog();
    }

    public StoppedException(string message)
        : this(message, new FindingLog())
    {
    }

    public StoppedException(string message, Exception innerException)
        : base(message, innerException)
    {
        Findings = new FindingLog();
    }

    public FindingLog Findings { get; }
}
