using SrRescue.Lvm;

namespace SrRescue.Cli.Reports;

/// <summary>`show-metadata`: one metadata version's text, from the copy it is read from (its UTF-8 bytes as found, written out as text).</summary>
internal sealed record ShowMetadataReport(string Schema, long Seqno, CopyReport Copy,
    [property: System.Text.Json.Serialization.JsonConverter(typeof(SegmentedUtf8TextConverter))] ReadOnlyMemory<byte> Text)
{
    public static ShowMetadataReport Of(MetadataVersion v) => new("srrescue.show-metadata/1", v.Seqno, CopyReport.Of(v.Primary), v.Primary.Utf8);
}
