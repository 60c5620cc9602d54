namespace SrRescue.Xen.Mgt;

/// <summary>A spot where the text is not well formed (offset relative to the walked span).</summary>
internal readonly record struct MgtXmlError(int Offset, string Message);
