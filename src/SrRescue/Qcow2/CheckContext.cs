using System.Globalization;
using SrRescue.Diagnostics;
using SrRescue.Io;

namespace SrRescue.Qcow2;

/// <summary>
/// What one run of <see cref="Qcow2Checker"/> knows and counts: the image, the refcounts rebuilt
/// and stored, qemu-img check's counters, the findings (each code listed at most
/// <see cref="CappedFindings.PerCode"/> times, every one counted) and a read budget that bounds
/// the work on a damaged image whose tables all point at the same few clusters.
/// </summary>
internal sealed class CheckContext
{
    private long _budgetBytes;
    private bool _budgetReported;

    public CheckContext(Qcow2Image image, CappedFindings findings)
    {
        Image = image;
        Findings = findings;
        Source = image.Source;
        Header = image.Header;
        FileLength = Source.Length;
        ClusterBits = (int)Header.ClusterBits;
        ClusterSize = 1L << ClusterBits;
        Dirty = (Header.IncompatibleFeatures & Qcow2Incompatible.Dirty) != 0;
        HasDataFile = (Header.IncompatibleFeatures & Qcow2Incompatible.ExternalDataFile) != 0;
        HostClusters = (FileLength + ClusterSize - 1) >> ClusterBits;
        var refcountBits = Header.RefcountOrder <= 6 ? 1 << (int)Header.RefcountOrder : 64;
        Computed = new ComputedRefcounts(HostClusters, refcountBits == 64 ? ulong.MaxValue : (1UL << refcountBits) - 1);

        // A healthy image reads each table once: its metadata is a fraction of the file. Four
        // times the file is room for snapshots that do not share; past it the tables repeat.
        _budgetBytes = (4 * FileLength) + (256L << 20);
    }

    public Qcow2Image Image { get; }

    public IByteSource Source { get; }

    public Qcow2Header Header { get; }

    public CappedFindings Findings { get; }

    public long FileLength { get; }

    public int ClusterBits { get; }

    public long ClusterSize { get; }

    public bool Dirty { get; }

    public bool HasDataFile { get; }

    /// <summary>The clusters the file holds, the last one perhaps partly.</summary>
    public long HostClusters { get; }

    public ComputedRefcounts Computed { get; }

    /// <summary>Null when refcount_order is over 6: the stored refcounts cannot be read.</summary>
    public StoredRefcounts? Stored { get; set; }

    public long CheckErrors { get; private set; }

    public long Corruptions { get; private set; }

    public long Leaks { get; private set; }

    public long AllocatedClusters { get; set; }

    public long CompressedClusters { get; set; }

    public long FragmentedClusters { get; set; }

    /// <summary>Set when the work budget ran out or a limit cut a walk short: the counts may be low.</summary>
    public bool Incomplete { get; set; }

    /// <summary>Said after a refcount finding when the dirty bit explains it.</summary>
    public string DirtyNote => Dirty
        ? "; the dirty bit is set (lazy refcounts), so stale refcounts are expected and qemu repairs them when it next opens the image read-write"
        : "";

    /// <summary>The severity of a refcount or copied-flag mismatch: a warning when the dirty bit says refcounts may be stale.</summary>
    public Severity StaleSeverity(Severity normal) => Dirty ? Severity.Warning : normal;

    public void Corruption(string code, string structure, long offset, string message, string? stored = null, string? expected = null, long count = 1, Severity severity = Severity.Error)
    {
        Corruptions += count;
        Findings.Add(severity, code, structure, offset, message, stored, expected);
    }

    public void Leak(string code, string structure, long offset, string message, string? stored, string? expected)
    {
        Leaks++;
        Findings.Add(StaleSeverity(Severity.Warning), code, structure, offset, message, stored, expected);
    }

    public void CheckError(string code, string structure, long offset, string message, long count = 1)
    {
        CheckErrors += count;
        Findings.Add(Severity.Error, code, structure, offset, message);
    }

    /// <summary>
    /// Counts a reference to every cluster of [offset, offset + size) (qemu's
    /// qcow2_inc_refcounts_imrt), <paramref name="count"/> times. False, counting nothing, when the
    /// range ends one cluster or more past the end of the file; the caller reports it, since only
    /// the caller can say what the range is.
    /// </summary>
    public bool TryReference(ulong offset, long size, ClusterUse use, long count = 1)
    {
        if (size <= 0 || count <= 0)
        {
            return true;
        }

        if (offset > (ulong)(long.MaxValue - size) || (long)offset + size - FileLength >= ClusterSize)
        {
            return false;
        }

        var first = (long)offset >> ClusterBits;
        var last = ((long)offset + size - 1) >> ClusterBits;
        for (var k = first; k <= last; k++)
        {
            var before = Computed.Get(k);
            var over = Computed.Add(k, use, (ulong)count);
            if (over == 0)
            {
                continue;
            }

            // qemu counts every reference past the maximum; one finding per cluster says it.
            Corruptions += (long)Math.Min(over, long.MaxValue);
            if (before < Computed.Max)
            {
                Findings.Add(Severity.Error, Qcow2Codes.RefcountOverflow, "QCOW2 cluster", k << ClusterBits,
                    $"cluster {k} is referenced more often than a {1 << (int)Math.Min(Header.RefcountOrder, 6)}-bit refcount can count, {Computed.Max}; each further reference is a corruption (qemu: ERROR: overflow cluster offset=0x{k << ClusterBits:x}); qemu-img amend can widen the refcounts");
            }
        }

        return true;
    }

    /// <summary>Counts the reference, or reports it as lying past the end of the file (a corruption, as in qemu); for one-off references, since <paramref name="what"/> is built for every call.</summary>
    public void Reference(ulong offset, long size, ClusterUse use, string structure, long referrerAt, string what, long count = 1)
    {
        if (!TryReference(offset, size, use, count))
        {
            ReportBeyondEnd(offset, size, structure, referrerAt, what, count);
        }
    }

    public void ReportBeyondEnd(ulong offset, long size, string structure, long referrerAt, string what, long count = 1) =>
        Corruption(Qcow2Codes.BeyondEnd, structure, referrerAt,
            $"{what} at byte {offset} ({size} bytes) lies one cluster or more past the end of the file ({FileLength} bytes); its clusters are not counted",
            offset.ToString(CultureInfo.InvariantCulture), $"below {FileLength}", count);

    /// <summary>Takes <paramref name="bytes"/> of table reading from the budget; false (reported once) when it is spent.</summary>
    public bool TakeBudget(long bytes)
    {
        if (_budgetBytes >= bytes)
        {
            _budgetBytes -= bytes;
            return true;
        }

        Incomplete = true;
        if (!_budgetReported)
        {
            _budgetReported = true;
            Findings.Add(Severity.Warning, Qcow2Codes.CheckNote, "QCOW2 check", -1,
                "the tables read add up to more than four times the file (they point at each other over and over); the rest are not walked and the counts may be low");
        }

        return false;
    }
}
