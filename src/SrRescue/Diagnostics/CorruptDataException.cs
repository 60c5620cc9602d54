namespace SrRescue.Diagnostics;

/// <summary>
/// Thrown when a structure is damaged beyond what the reader can work around. It carries the
/// finding that says what and where, so the caller can report it and go on with other structures.
/// </summary>
public sealed class CorruptDataException : Exception
{
    public CorruptDataException(Finding finding)
        : base((finding ?? throw new ArgumentNullException(nameof(finding))).ToString())
    {
        Finding = finding;
    }

    public CorruptDataException()
        : this(new Finding(Severity.Error, "corrupt", "data", -1, "corrupt data"))
    {
    }

    public CorruptDataException(string message)
        : this(new Finding(Severity.Error, "corrupt", "data", -1, message))
    {
    }

    public CorruptDataException(string message, Exception innerException)
        : base(message, innerException)
    {
        Finding = new Finding(Severity.Error, "corrupt", "data", -1, message);
    }

    public Finding Finding { get; }
}
