namespace SrRescue.Carving;

/// <summary>
/// What one physical extent holds by itself as one logical extent of a carved VHD, whatever extent
/// came before it, as numbers: a score (higher is better), whether a hard prediction failed (then
/// it is no candidate), whether the VHD's own footer closes the extent (the strongest evidence of
/// its last extent), and whether anything was seen at all (a batmap header, a bitmap, a footer; of
/// a rejected extent, what rejected it). A value, so the scores a carve keeps are no objects to
/// collect; the evidence is worded for the extents placed (<see cref="ExtentScorer.Evidence"/>).
/// <see cref="ScoredExtent"/> adds the block running in.
/// </summary>
internal readonly record struct ExtentScore(double Score, bool Rejected, bool EndsWithFooter, bool HasSigns);
