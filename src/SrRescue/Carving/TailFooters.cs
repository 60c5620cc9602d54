using SrRescue.Diagnostics;

namespace SrRescue.Carving;

/// <summary>
/// Where the primary footers of the VHDs whose data does not end with theirs may be: every free
/// extent after the first of those VHDs' last extents whose last sector is a footer with one of
/// their uuids, found in one pass, each extent's last sector read once whatever the number of
/// such VHDs (<see cref="ExtentMapBuilder"/> then takes, VHD by VHD, the first one after its data
/// that is still free). Looked for VHD by VHD, a LUN of 2 TiB with a hundred such VHDs read every
/// extent's last sector a hundred times (the probes' bounded cache holds a quarter of its extents).
/// </summary>
internal static class TailFooters
{
    /// <param name="wanting">Each VHD looking for its footer and its last extent (-1: an extent is missing, so it looks from the first).</param>
    /// <param name="claimed">Extents taken already: never a VHD's tail (more are taken as the tails are placed).</param>
    /// <returns>By VHD uuid, the extents ending with its footer, ascending (only the uuids of <paramref name="wanting"/>).</returns>
    public static Dictionary<Guid, List<long>> Find(ExtentProbes probes, ExtentGrid grid, IReadOnlyCollection<(Guid Uuid, long Last)> wanting,
        IReadOnlySet<long> claimed, IProgress<WorkProgress>? progress)
    {
        var found = new Dictionary<Guid, List<long>>();
        var from = long.MaxValue;
        foreach (var (uuid, last) in wanting)
        {
            found.TryAdd(uuid, []);
            from = Math.Min(from, Math.Max(0, last + 1));
        }

        for (var pe = from; pe < grid.ExtentCount; pe++)
        {
            if (pe % 256 == 0)
            {
                progress?.Report(new WorkProgress("looking for primary footers", pe * grid.ExtentSizeBytes, grid.ExtentCount * grid.ExtentSizeBytes));
            }

            if (!claimed.Contains(pe) && probes.FooterUuidAtEnd(pe) is { } uuid && found.TryGetValue(uuid, out var extents))
            {
                extents.Add(pe);
            }
        }

        return found;
    }
}
