using System.Collections;

namespace SrRescue.Diagnostics;

/// <summary>
/// Collects findings while parsers run. Parsers never stop at the first problem: they add a
/// finding and go on with what they can still read. Thread-safe, because scans may run in parallel.
/// </summary>
public sealed class FindingLog : IReadOnlyCollection<Finding>
{
    private readonly List<Finding> _findings = [];
    private readonly Lock _gate = new();

    public int Count
    {
        get { lock (_gate) { return _findings.Count; } }
    }

    public bool HasErrors
    {
        get { lock (_gate) { return _findings.Exists(f => f.Severity == Severity.Error); } }
    }

    public Finding Add(Finding finding)
    {
        ArgumentNullException.ThrowIfNull(finding);
        lock (_gate) { _findings.Add(finding); }
        return finding;
    }

    public Finding Add(Severity severity, string code, string structure, long offset, string message,
        string? stored = null, string? computed = null, string? source = null) =>
        Add(new Finding(severity, code, structure, offset, message, stored, computed, source));

    public IReadOnlyList<Finding> Snapshot()
    {
        lock (_gate) { return [.. _findings]; }
    }

    public IEnumerator<Finding> GetEnumerator() => Snapshot().GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
