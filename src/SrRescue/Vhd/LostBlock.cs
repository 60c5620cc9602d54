namespace SrRescue.Vhd;

/// <summary>A virtual block known to have held data that the repaired file does not have.</summary>
/// <param name="BitmapOffsetBytes">Where its bitmap was (or was said to be), or -1 when unknown.</param>
public sealed record LostBlock(int Block, long BitmapOffsetBytes, string Reason);
