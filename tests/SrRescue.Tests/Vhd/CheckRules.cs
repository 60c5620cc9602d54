using SrRescue.Diagnostics;
using SrRescue.Io;
using SrRescue.Vhd;
using SrRescue.Xen;

namespace SrRescue.Tests.Vhd;

/// <summary>Shared by the per-rule tests: the good images they mutate, and how to assert one finding.</summary>
internal static class CheckRules
{
    /// <summary>A blktap 1.3 dynamic VHD of 40 MiB with XenServer's metadata: 7 blocks, block 4 full.</summary>
    public const string Dynamic = "d-batmap-checksum.orig.vhd";

    /// <summary>A blktap differencing VHD with MacX, W2ku and W2ru locators.</summary>
    public const string Differencing = "f-child.orig.vhd";

    public static readonly DateTime Now = new(2030, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    public static long Length(string name) => DamagedVhds.Bytes(name).Length;

    public static DamagedVhds.Mutated Good(string name = Dynamic) => new(name);

    public static VhdCheckReport Check(IByteSource source, VhdCheckOptions? options = null) =>
        VhdChecker.Check(source, new FindingLog(), (options ?? new VhdCheckOptions()) with { NowUtc = Now });

    /// <summary>Asserts a finding with this code at this absolute offset; returns it.</summary>
    public static Finding Has(VhdCheckReport r, string code, long offset)
    {
        var found = r.Findings.FirstOrDefault(f => f.Code == code && f.Offset == offset);
        Assert.True(found is not null, $"no {code} at {offset}; found:\n{string.Join("\n", r.Findings)}");
        Assert.False(r.IsClean && found.Severity != Severity.Info);
        return found;
    }

    public static Finding Has(IByteSource source, string code, long offset, VhdCheckOptions? options = null) => Has(Check(source, options), code, offset);

    /// <summary>A resolver that hands out one fixed source (or none).</summary>
    public sealed class FixedResolver(IByteSource? parent) : IVhdParentResolver
    {
        public ResolvedParent? Resolve(VhdImage child, FindingLog log) => parent is null ? null : new ResolvedParent(parent, parent.Name, FooterPolicy.File);
    }
}
