namespace SrRescue.Qcow2;

/// <summary>One L2 table's entries, decoded.</summary>
internal readonly record struct L2Table(ulong[] Words, byte ClusterBits, bool Extended)
{
    public L2Entry Entry(long index) => Extended
        ? new L2Entry(Words[index * 2], Words[(index * 2) + 1], ClusterBits, true)
        : new L2Entry(Words[index], 0, ClusterBits, false);
}
