namespace SrRescue.Vhd;

/// <summary>A block kept as far as the file goes: the rest of its data was cut off (a truncated file) and reads as zeros.</summary>
public sealed record PartialBlock(int Block, long BitmapOffsetBytes, long PresentBytes, long BlockBytes);
