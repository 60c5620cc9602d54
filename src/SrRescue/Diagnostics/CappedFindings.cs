namespace SrRescue.Diagnostics;

/// <summary>
/// A finding log that keeps at most <see cref="PerCode"/> findings of each code and then one
/// summary: a BAT of a million garbage entries must give a readable report and bounded memory,
/// not a million findings. Thread-safe: readers add what they meet while copies run in parallel.
/// </summary>
internal sealed class CappedFindings
{
    public const int PerCode = 32;

    private readonly FindingLog _log;
    private readonly Dictionary<string, (int Count, Severity Severity, string Structure)> _seen = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public CappedFindings(FindingLog log, string? source)
    {
        _log = log;
        Source = source;
    }

    public string? Source { get; }

    public FindingLog Log => _log;

    public void Add(Severity severity, string code, string structure, long offset, string message, string? stored = null, string? expected = null) =>
        Add(new Finding(severity, code, structure, offset, message, stored, expected, Source));

    public void Add(Finding finding)
    {
        ArgumentNullException.ThrowIfNull(finding);
        lock (_gate)
        {
            var count = _seen.TryGetValue(finding.Code, out var s) ? s.Count + 1 : 1;
            _seen[finding.Code] = (count, count == 1 ? finding.Severity : (Severity)Math.Max((int)s.Severity, (int)finding.Severity), finding.Structure);
            if (count <= PerCode)
            {
                _log.Add(finding);
            }
        }
    }

    /// <summary>Adds the findings of another log (a parser's scratch log), capped the same way.</summary>
    public void AddAll(IEnumerable<Finding> findings, Func<Finding, Finding>? adjust = null)
    {
        foreach (var f in findings)
        {
            Add(adjust is null ? f : adjust(f));
        }
    }

    /// <summary>One finding per code that went over the cap, saying how many were left out.</summary>
    public void Flush()
    {
        lock (_gate)
        {
            FlushLocked();
        }
    }

    private void FlushLocked()
    {
        foreach (var (code, s) in _seen.Where(kv => kv.Value.Count > PerCode).OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            _log.Add(new Finding(s.Severity, code, s.Structure, -1, $"{s.Count - PerCode} more problems of this kind are not listed ({s.Count} in all)", Source: Source));
        }

        _seen.Clear();
    }
}
