namespace SrRescue.Xen.Mgt;

/// <summary>A <c>&lt;vdi&gt;</c> element: where its start tag is and where its end tag ends (-1: not closed).</summary>
internal sealed class MgtXmlContainer(int start)
{
    public int Start { get; } = start;

    public int End { get; set; } = -1;

    public bool IsClosed => End >= 0;
}
