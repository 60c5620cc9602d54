namespace SrRescue.Xen.Mgt;

/// <summary>One token: its byte range and, for tags, the name's range (offsets relative to the scanned span).</summary>
internal readonly record struct MgtXmlToken(MgtXmlTokenKind Kind, int Start, int Length, int NameStart = 0, int NameLength = 0, string? Error = null)
{
    public int End => Start + Length;
}
