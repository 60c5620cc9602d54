namespace SrRescue.Xen.Mgt;

/// <summary>
/// An element with text only (<c>&lt;uuid&gt;…&lt;/uuid&gt;</c>): its name, where its start tag
/// is, the raw bytes of its text, and the <c>&lt;vdi&gt;</c> container it lies in (-1: none).
/// Offsets are relative to the walked span.
/// </summary>
internal readonly record struct MgtXmlLeaf(string Name, int ElementOffset, int ValueStart, int ValueLength, int Container);
