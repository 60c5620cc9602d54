using SrRescue.Diagnostics;
using SrRescue.Xen.Mgt;

namespace SrRescue.Tests.Xen.Mgt;

/// <summary>MGT volumes as srmetadata.py writes them (xenserver-lvhd.md 3.1-3.3): what is read from intact bytes.</summary>
public sealed class MgtParserTests
{
    private const string A = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";
    private const string B = "bbbbbbbb-bbbb-cccc-dddd-eeeeeeeeeeee";
    private const string C = "cccccccc-bbbb-cccc-dddd-eeeeeeeeeeee";
    private const string D = "dddddddd-bbbb-cccc-dddd-eeeeeeeeeeee";
    private const long Base = 11_534_336;

    [Fact]
    public void Header_sr_information_and_records_are_read_with_absolute_offsets()
    {
        var mgt = MgtBuilder.Standard(3)
            .Vdi(0, A, "win2019 C:", description: "system disk")
            .Vdi(1, B, "dns01", deleted: true)
            .Vdi(2, C, "nightly", snapshot: true, snapshotOf: A)
            .Bytes;
        var (content, log) = Parse(mgt, Base);

        Assert.Empty(log);
        Assert.Equal(new MgtHeader(MgtFormat.Current, 5120, 1, 2), content.Header);
        Assert.Equal(MgtBuilder.SrUuid, content.SrInfo.Uuid);
        Assert.Equal("thin", content.SrInfo.Allocation);
        Assert.Equal("Local storage", content.SrInfo.NameLabel);
        Assert.Equal("", content.SrInfo.NameDescription);
        Assert.Equal(3, content.Records.Count);

        var a = content.Records[0];
        Assert.Equal((0, Base + 2048, MgtRecordPlacement.InsideLength), (a.SlotIndex, a.OffsetBytes, a.Placement));
        Assert.Equal((A, "win2019 C:", "system disk"), (a.Uuid, a.NameLabel, a.NameDescription));
        Assert.Equal((false, false, true, false), (a.IsASnapshot, a.ReadOnly, a.Managed, a.Deleted));
        Assert.Equal(("user", "vhd"), (a.Type, a.VdiType));
        Assert.Null(a.SnapshotOf);
        Assert.Null(a.SnapshotTime);
        Assert.Null(a.MetadataOfPool);
        Assert.True(a.IsLive);
        Assert.False(a.IsDamaged || a.IsMisaligned || a.IsStale);

        var b = content.Records[1];
        Assert.Equal((1, Base + 3072, true, false), (b.SlotIndex, b.OffsetBytes, b.IsDeleted, b.IsLive));

        var c = content.Records[2];
        Assert.Equal((true, A, "20240101T10:00:00Z"), (c.IsASnapshot, c.SnapshotOf, c.SnapshotTime));
    }

    [Fact]
    public void Elements_are_read_in_any_order_and_unknown_tags_are_kept()
    {
        // Python 2 dict order: the uuid in sector A, the names in sector B, an offset tag from an update.
        var b = MgtBuilder.Standard(2).Vdi(0, B, "first");
        b.Text(3072, $"<vdi><uuid>{A}</uuid><deleted>0</deleted><type>user</type>", 512)
            .Text(3584, "<read_only>1</read_only><name_description>d</name_description><vdi_type>aio</vdi_type><managed>0</managed>"
                + "<is_a_snapshot>0</is_a_snapshot><name_label>moved</name_label><offset>3072</offset><svid>7</svid></vdi>", 512);
        var (content, log) = Parse(b.Bytes);

        Assert.Empty(log);
        var r = Assert.Single(content.Records, r => r.Uuid == A);
        Assert.Equal(("moved", "d", "aio", true, false), (r.NameLabel, r.NameDescription, r.VdiType, r.ReadOnly, r.Managed));
        Assert.Equal("3072", r.OtherTags["offset"]);
        Assert.Equal("7", r.OtherTags["svid"]);
        Assert.False(r.OtherTags.ContainsKey("uuid"));
    }

    [Fact]
    public void A_deleted_last_record_lies_past_the_shortened_length()
    {
        // deleteVdi on the last slot marks it deleted and reduces the length by 1024 (3.1).
        var mgt = MgtBuilder.Standard(1).Vdi(0, A, "kept").Vdi(1, B, "gone", deleted: true).Bytes;
        var (content, log) = Parse(mgt);

        Assert.Empty(log);
        Assert.Equal(3072, content.Header.LengthBytes);
        var gone = content.Records[1];
        Assert.Equal((MgtRecordPlacement.PastLength, true, true, "gone"), (gone.Placement, gone.IsStale, gone.IsDeleted, gone.NameLabel));
    }

    [Fact]
    public void Stale_records_of_an_older_mgt_survive_past_a_short_new_length()
    {
        // sr_recreated: a new empty MGT (length 2048) whose first 4 KiB were zeroed, over an old one.
        var b = MgtBuilder.Standard(6).Vdi(0, A, "old0").Vdi(1, B, "old1").Vdi(2, C, "wiki").Vdi(3, D, "web01 root");
        b.Bytes.AsSpan(0, 4096).Clear();
        b.Header(2048).Sr("99999999-2222-3333-4444-555555555555", "thin", "Local storage", "");
        var (content, log) = Parse(b.Bytes);

        Assert.Empty(log);
        Assert.Equal(["wiki", "web01 root"], content.Records.Select(r => r.NameLabel));
        Assert.All(content.Records, r => Assert.Equal(MgtRecordPlacement.PastLength, r.Placement));
        Assert.Equal([2, 3], content.Records.Select(r => r.SlotIndex));
        Assert.Equal("99999999-2222-3333-4444-555555555555", content.SrInfo.Uuid);
    }

    [Fact]
    public void Trailing_nuls_instead_of_spaces_read_the_same()
    {
        var b = new MgtBuilder { Pad = 0 };
        b.Header(4096).Sr(MgtBuilder.SrUuid, "thick", "SAN", "d").Vdi(0, A, "one").Vdi(1, B, "two", deleted: true);
        var (content, log) = Parse(b.Bytes);

        Assert.Empty(log);
        Assert.Equal((MgtFormat.Current, 4096L), (content.Header.Format, content.Header.LengthBytes!.Value));
        Assert.Equal("thick", content.SrInfo.Allocation);
        Assert.Equal(["one", "two"], content.Records.Select(r => r.NameLabel));
        Assert.All(content.Records, r => Assert.Equal(MgtRecordPlacement.InsideLength, r.Placement));
    }

    [Fact]
    public void Escapes_numeric_references_and_utf8_are_decoded()
    {
        const string name = "a & b <c> \"d\" 'e' Düsseldorf ☃";
        var b = MgtBuilder.Standard(2).Vdi(0, A, name, description: "x > y");
        b.Text(3072, "<vdi><name_label>caf&#233; &#xE9;&#x2603; &quot;q&quot; &apos;s&apos;</name_label><name_description>  padded  </name_description>", 512)
            .Text(3584, $"<uuid>{B}</uuid><deleted>0</deleted><is_a_snapshot>0</is_a_snapshot><read_only>0</read_only><managed>1</managed><type>user</type><vdi_type>vhd</vdi_type></vdi>", 512);
        var (content, log) = Parse(b.Bytes);

        Assert.Empty(log);
        Assert.Equal((name, "x > y"), (content.Records[0].NameLabel, content.Records[0].NameDescription));
        Assert.Equal(("café é☃ \"q\" 's'", "padded"), (content.Records[1].NameLabel, content.Records[1].NameDescription));
    }

    [Fact]
    public void A_name_cut_inside_an_entity_or_a_utf8_sequence_keeps_its_readable_part()
    {
        // SM escapes first, then cuts to 222 bytes (getVdiInfo): "&amp;" may lose its tail.
        var cutEntity = new string('x', 219) + "&am";
        var b = MgtBuilder.Standard(2);
        b.Text(2048, $"<vdi><name_label>{cutEntity}</name_label><name_description></name_description>", 512)
            .Text(2560, $"<uuid>{A}</uuid><deleted>0</deleted><is_a_snapshot>0</is_a_snapshot><read_only>0</read_only><managed>1</managed><type>user</type><vdi_type>vhd</vdi_type></vdi>", 512);
        var label = System.Text.Encoding.UTF8.GetBytes("<vdi><name_label>" + new string('y', 221)).Concat(new byte[] { 0xC3 })
            .Concat(System.Text.Encoding.UTF8.GetBytes("</name_label><name_description></name_description>")).ToArray();
        b.Raw(3072, label, 512)
            .Text(3584, $"<uuid>{B}</uuid><deleted>0</deleted><is_a_snapshot>0</is_a_snapshot><read_only>0</read_only><managed>1</managed><type>user</type><vdi_type>vhd</vdi_type></vdi>", 512);
        var (content, log) = Parse(b.Bytes, Base);

        Assert.Equal(new string('x', 219), content.Records[0].NameLabel);
        Assert.Equal(new string('y', 221), content.Records[1].NameLabel);
        var entity = Assert.Single(log, f => f.Code == MgtCodes.TextTruncatedEntity);
        Assert.Equal((Severity.Info, Base + 2048 + 17 + 219), (entity.Severity, entity.Offset));
        var utf8 = Assert.Single(log, f => f.Code == MgtCodes.TextInvalidUtf8);
        Assert.Equal((Severity.Info, Base + 3072 + 17 + 221), (utf8.Severity, utf8.Offset));
        Assert.DoesNotContain(content.Records, r => r.IsDamaged);
    }

    [Fact]
    public void Early_format_with_nl_nd_tags_and_nul_padded_sr_sector_is_read()
    {
        // An early 6.0 srmetadata packed sector 1 with struct "%ds%ds%ds" (NUL padding) and named labels nl/nd.
        var b = new MgtBuilder().Header(3072);
        var sector1 = new byte[512];
        var xml = "<?xml version=\"1.0\" ?>"u8;
        xml.CopyTo(sector1);
        System.Text.Encoding.ASCII.GetBytes($"<uuid>{MgtBuilder.SrUuid}</uuid>").CopyTo(sector1, xml.Length);
        "<allocation>thick</allocation>"u8.CopyTo(sector1.AsSpan(xml.Length + 49));
        b.Raw(512, sector1).Sector(2, "<nl>old SR</nl>").Sector(3, "<nd></nd>");
        b.Text(2048, "<vdi><nl>legacy name</nl><nd>desc</nd>", 512)
            .Text(2560, $"<deleted>0</deleted><uuid>{A}</uuid><is_a_snapshot>0</is_a_snapshot><snapshot_of></snapshot_of><snapshot_time></snapshot_time><type>user</type><vdi_type>vhd</vdi_type><read_only>0</read_only><managed>1</managed><metadata_of_pool></metadata_of_pool></vdi>", 512);
        var (content, log) = Parse(b.Bytes);

        Assert.Empty(log);
        Assert.Equal((MgtBuilder.SrUuid, "thick", "old SR"), (content.SrInfo.Uuid, content.SrInfo.Allocation, content.SrInfo.NameLabel));
        var r = Assert.Single(content.Records);
        Assert.Equal(("legacy name", "desc"), (r.NameLabel, r.NameDescription));
    }

    [Fact]
    public void Best_record_per_uuid_prefers_live_then_deleted_inside_then_stale()
    {
        // Slot 0: A live "new"; slot 1: B deleted inside; slot 2 (stale): A "old name", B "older".
        var b = MgtBuilder.Standard(2).Vdi(0, A, "new").Vdi(1, B, "deleted inside", deleted: true)
            .Vdi(2, A, "old name").Vdi(3, B, "older").Vdi(4, C, "only stale", deleted: true).Vdi(5, C, "stale live");
        var (content, _) = Parse(b.Bytes);
        var best = content.BestPerUuid();

        Assert.Equal([A, B, C], best.Select(c => c.Uuid));
        Assert.Equal(("new", "old name"), (best[0].Best.NameLabel, Assert.Single(best[0].History).NameLabel));
        Assert.Equal(("deleted inside", "older"), (best[1].Best.NameLabel, Assert.Single(best[1].History).NameLabel));
        Assert.Equal(("stale live", "only stale"), (best[2].Best.NameLabel, Assert.Single(best[2].History).NameLabel));
        Assert.Equal("new", content.Find(A.ToUpperInvariant())!.Best.NameLabel);
    }

    [Fact]
    public void Two_live_records_of_one_uuid_are_reported()
    {
        var b = MgtBuilder.Standard(2).Vdi(0, A, "first").Vdi(1, A, "second");
        var (_, log) = Parse(b.Bytes, Base);
        var f = Assert.Single(log);
        Assert.Equal((MgtCodes.RecordDuplicateUuid, Base + 3072, "second", "first"), (f.Code, f.Offset, f.Stored, f.Computed));
    }

    [Fact]
    public void A_record_offset_tag_naming_another_slot_is_noted()
    {
        var keys = MgtBuilder.Keys(A);
        keys.Add(("offset", "2048"));
        var (content, log) = Parse(MgtBuilder.Standard(2).Vdi(0, B, "b").Record(1, "copied", "", keys).Bytes, Base);

        Assert.Equal(2, content.Records.Count);
        var f = Assert.Single(log);
        Assert.Equal((MgtCodes.RecordOffsetMismatch, Severity.Info, "2048", "3072"), (f.Code, f.Severity, f.Stored, f.Computed));
    }

    internal static (MgtContent Content, FindingLog Log) Parse(byte[] mgt, long baseOffset = 0)
    {
        var log = new FindingLog();
        var content = MgtParser.Parse(mgt, baseOffset, log, "test");
        return (content, log);
    }
}
