namespace SrRescue.Diagnostics;

/// <summary>
/// Progress of a long piece of work (a copy, a scan): how much of it is done, in bytes, or in
/// <paramref name="Unit"/> when it is counted in something else (a carve's repair sweeps).
/// </summary>
/// <param name="Unit">What is counted, plural ("sweeps"); null: bytes.</param>
public readonly record struct WorkProgress(string What, long Done, long Total, string? Unit = null);
