namespace SrRescue.Xen.Mgt;

internal enum MgtXmlWalkMode
{
    /// <summary>No containers: every leaf counts (the SR information sectors).</summary>
    Flat,

    /// <summary>One <c>&lt;vdi&gt;</c> record: stop after its end tag, or before a second <c>&lt;vdi&gt;</c>.</summary>
    SingleRecord,

    /// <summary>A whole document with any number of <c>&lt;vdi&gt;</c> elements (legacy format).</summary>
    Document,
}
