namespace SrRescue.Nbd;

/// <summary>What one connection did; touched only by its own thread, added to the server's totals when it ends.</summary>
internal sealed class NbdConnectionCounts
{
    public long Requests;
    public long BytesSent;
    public long Refused;
    public long Errors;
    public long ReadErrors;
    public string? LastError;
}
