using System.Text.Json.Serialization;
using SrRescue.Lvm;

namespace SrRescue.Cli.Reports;

/// <summary>One metadata copy: where it is, its checksum, and what state it is in.</summary>
internal sealed record CopyReport(
    [property: JsonConverter(typeof(SnakeCaseEnum<CopyOrigin>))] CopyOrigin Origin,
    string Source, long Offset, int Mda, long Size, string Checksum, bool? ChecksumOk,
    bool Committed, bool Precommitted, bool Wrapped, bool Damaged, string? Damage)
{
    public static CopyReport Of(MetadataCopy c) =>
        new(c.Origin, c.Source, c.OffsetBytes, c.MdaNumber, c.SizeBytes, $"{c.Checksum:x8}",
            c.SlotChecksumMatches, c.IsCommitted, c.IsPrecommitted, c.Wraps, c.IsDamaged, c.Damage);
}
