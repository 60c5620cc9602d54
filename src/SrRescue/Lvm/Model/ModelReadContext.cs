using SrRescue.Diagnostics;
using SrRescue.Lvm.Text;

namespace SrRescue.Lvm.Model;

/// <summary>
/// What the VG and LV readers share: the finding log, the source name, a count of the Error
/// findings (so a reader knows whether the object it read is damaged), and typed getters that
/// turn a missing or ill-typed key into a finding with the section's or value's offset.
/// </summary>
internal sealed class ModelReadContext(FindingLog log, string? source)
{
    public FindingLog Log { get; } = log;

    public string? Source { get; } = source;

    /// <summary>False: the model drops its text tree (<see cref="TreeNotKept"/>), all but what <see cref="UnmappedLvAdvice"/> reads.</summary>
    public bool KeepTree { get; init; } = true;

    /// <summary>With <see cref="KeepTree"/> false: the LVs (by name and id) whose sections are kept all the same.</summary>
    public Func<string, string, bool>? KeepLvTree { get; init; }

    public int ErrorCount { get; private set; }

    public void Add(Severity severity, string code, string structure, long offset, string message,
        string? stored = null, string? computed = null)
    {
        if (severity == Severity.Error)
        {
            ErrorCount++;
        }

        Log.Add(severity, code, structure, offset, message, stored, computed, Source);
    }

    /// <summary>
    /// A plain string value. <paramref name="missing"/> null means the key is optional; otherwise a
    /// missing key is a <c>{prefix}.missing-key</c> finding of that severity.
    /// </summary>
    public string? GetString(ConfigSection section, string key, string prefix, string structure, Severity? missing)
    {
        var value = FindValue(section, key, prefix, structure, missing);
        if (value is null)
        {
            return null;
        }

        var s = value.AsString();
        if (s is null)
        {
            Add(Severity.Error, prefix + ".bad-value", structure, value.Offset, $"'{key}' is not a string", stored: value.ToString());
        }

        return s;
    }

    /// <summary>A plain integer value that fits 64 bits and is at least <paramref name="min"/>.</summary>
    public long? GetInt64(ConfigSection section, string key, string prefix, string structure, Severity? missing, long min = long.MinValue)
    {
        var value = FindValue(section, key, prefix, structure, missing);
        if (value is null)
        {
            return null;
        }

        if (!value.TryGetInt64(out var n))
        {
            Add(Severity.Error, prefix + ".bad-value", structure, value.Offset,
                $"'{key}' is not a 64-bit integer", stored: value.ToString());
            return null;
        }

        if (n < min)
        {
            Add(Severity.Error, prefix + ".bad-value", structure, value.Offset,
                $"'{key}' is {n}, below {min}", stored: n.ToString(), computed: $">= {min}");
            return null;
        }

        return n;
    }

    /// <summary>An array of strings (status, flags, tags). Non-string elements are findings and skipped.</summary>
    public IReadOnlyList<string> GetStringList(ConfigSection section, string key, string prefix, string structure, Severity? missing)
    {
        var value = FindValue(section, key, prefix, structure, missing);
        if (value is null)
        {
            return [];
        }

        if (!value.IsArray)
        {
            Add(Severity.Warning, prefix + ".bad-value", structure, value.Offset, $"'{key}' is not an array", stored: value.ToString());
            return value.AsString() is { } one ? [one] : [];
        }

        var list = new List<string>(value.Items.Count);
        foreach (var item in value.Items)
        {
            if (item.IsString)
            {
                list.Add(item.Text);
            }
            else
            {
                Add(Severity.Warning, prefix + ".bad-value", structure, item.Offset, $"'{key}' holds the non-string {item}");
            }
        }

        return list;
    }

    private ConfigValue? FindValue(ConfigSection section, string key, string prefix, string structure, Severity? missing)
    {
        var node = section.Find(key);
        if (node is ConfigValue value)
        {
            return value;
        }

        if (node is ConfigSection sub)
        {
            Add(Severity.Error, prefix + ".bad-value", structure, sub.Offset, $"'{key}' is a section, not a value");
        }
        else if (missing is { } severity)
        {
            Add(severity, prefix + ".missing-key", structure, section.Offset, $"required key '{key}' is missing", computed: key);
        }

        return null;
    }
}
