using SrRescue.Io;

namespace SrRescue.Carving;

/// <summary>
/// What every sweep of one carve starts from: the VHDs found, how many extents each needs (to the
/// end of its data), the extents taken before any sweep (by the metadata, and each VHD's first),
/// and where the sweeps' reads and scores are kept: the places the VHDs predict in their extents
/// and what each extent holds there, the probes and the scores.
/// </summary>
internal sealed record SweepSetup(IByteSource Pv, ExtentGrid Grid, IReadOnlyList<VhdStart> Starts, IReadOnlyDictionary<VhdStart, long> Needed,
    IReadOnlySet<long> Claimed, PredictedPlaces Places, PlaceFacts Facts, ExtentProbes Probes, ExtentScoreCache Scores);
