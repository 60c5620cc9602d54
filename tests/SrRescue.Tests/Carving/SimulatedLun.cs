using SrRescue.Carving;

namespace SrRescue.Tests.Carving;

/// <summary>
/// Lays VHDs made by <see cref="SimulatedLvhdVhd"/> into a LUN image on the XenServer grid
/// (pe_start 11 MiB, 4 MiB extents), each LV in the extents given: for the tests that carve
/// large synthetic LUNs.
/// </summary>
internal static class SimulatedLun
{
    private const long Extent = SimulatedLvhdVhd.ExtentBytes;

    /// <summary>Writes LV bytes at LV offset <paramref name="at"/> into the extents <paramref name="pes"/>.</summary>
    public static void Write(FileStream image, List<long> pes, long at, byte[] bytes)
    {
        for (var done = 0; done < bytes.Length;)
        {
            var here = at + done;
            var n = (int)Math.Min(bytes.Length - done, Extent - (here % Extent));
            image.Position = ExtentGrid.XenServerPeStartBytes + (pes[(int)(here / Extent)] * Extent) + (here % Extent);
            image.Write(bytes, done, n);
            done += n;
        }
    }

    public static byte[] RandomBytes(Random rnd, int count)
    {
        var b = new byte[count];
        rnd.NextBytes(b);
        return b;
    }

    /// <summary>A VHD uuid drawn from <paramref name="rnd"/>.</summary>
    public static Guid RandomUuid(Random rnd) => new(rnd.GetItems<byte>(Enumerable.Range(0, 256).Select(b => (byte)b).ToArray(), 16));
}
