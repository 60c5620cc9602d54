using SrRescue.Diagnostics;
using SrRescue.Xen.Mgt;
using static SrRescue.Tests.Xen.Mgt.MgtParserTests;

namespace SrRescue.Tests.Xen.Mgt;

/// <summary>One test per damage rule: the finding's code and absolute offset, and that the rest still reads.</summary>
public sealed class MgtDamageTests
{
    private const string A = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";
    private const string B = "bbbbbbbb-bbbb-cccc-dddd-eeeeeeeeeeee";
    private const string C = "cccccccc-bbbb-cccc-dddd-eeeeeeeeeeee";
    private const long Base = 1_000_000;

    // The bytes that matter to the format, so flips hit the parser's decisions rather than text.
    private static readonly byte[] Alphabet = [.. "<>/&;:# vdi1"u8, 0, 0xFF, 0xC3];

    [Fact]
    public void A_mismatched_end_tag_in_the_middle_costs_that_record_only_and_keeps_its_readable_fields()
    {
        var b = ThreeRecords();
        b.Text(3584, $"<uuid>{B}</uuid><is_a_snapshot>0</is_a_snapshot><read_only>0</read_oly><deleted>1</deleted></vdi>", 512);
        var (content, log) = Parse(b.Bytes, Base);

        Assert.Equal(["one", "two", "three"], content.Records.Select(r => r.NameLabel));
        var damaged = content.Records[1];
        Assert.Equal((true, B, true, (bool?)null), (damaged.IsDamaged, damaged.Uuid, damaged.Deleted, damaged.ReadOnly));
        Assert.False(content.Records[0].IsDamaged || content.Records[2].IsDamaged);
        var f = Assert.Single(log);
        var at = 3584 + $"<uuid>{B}</uuid><is_a_snapshot>0</is_a_snapshot>".Length;
        Assert.Equal((MgtCodes.RecordMalformed, Severity.Error, Base + at), (f.Code, f.Severity, f.Offset));
        Assert.Equal("<read_only>0</read_oly><deleted>", f.Stored);
    }

    [Fact]
    public void Garbage_over_a_record_loses_it_and_the_neighbours_still_parse()
    {
        var b = ThreeRecords();
        var random = new byte[1024];
        new Random(4).NextBytes(random);
        random[0] = 0xFF;
        b.Raw(3072, random);
        var (content, log) = Parse(b.Bytes, Base);

        Assert.Equal(["one", "three"], content.Records.Select(r => r.NameLabel));
        var f = Assert.Single(log, f => f.Code == MgtCodes.RecordMalformed);
        Assert.Equal((Severity.Error, Base + 3072), (f.Severity, f.Offset));
        Assert.Contains("record is lost", f.Message);
    }

    [Fact]
    public void A_record_past_the_length_that_is_damaged_is_only_info()
    {
        var b = MgtBuilder.Standard(1).Vdi(0, A, "live").Vdi(1, B, "stale");
        b.Text(3584 + 100, "<<<", 1);
        var (content, log) = Parse(b.Bytes, Base);

        var f = Assert.Single(log);
        Assert.Equal((MgtCodes.RecordMalformed, Severity.Info), (f.Code, f.Severity));
        Assert.Equal("stale", content.Records[1].NameLabel);
    }

    [Fact]
    public void Blank_slots_inside_the_length_are_one_error()
    {
        var b = MgtBuilder.Standard(4).Vdi(0, A, "one").Vdi(3, B, "four");
        var (content, log) = Parse(b.Bytes, Base);

        Assert.Equal(2, content.Records.Count);
        var f = Assert.Single(log);
        Assert.Equal((MgtCodes.RecordEmpty, Severity.Error, Base + 3072, "2 blank slots"), (f.Code, f.Severity, f.Offset, f.Stored));
    }

    [Fact]
    public void A_record_at_an_odd_sector_is_found_by_resynchronising()
    {
        // Slot 1's first sector is garbage; a whole record starts at its second sector (3584).
        var b = MgtBuilder.Standard(3).Vdi(0, A, "one").Vdi(2, C, "three");
        b.Text(3072, "\u0001\u0002 torn write", 512);
        b.Text(3584, "<vdi><name_label>shifted</name_label><name_description></name_description>", 512);
        b.Text(4096, $"<uuid>{B}</uuid><is_a_snapshot>0</is_a_snapshot><type>user</type><vdi_type>vhd</vdi_type><read_only>0</read_only><managed>1</managed><deleted>0</deleted></vdi>", 512);
        b.Vdi(3, C, "three"); // slot 2 was overwritten by the shifted record's second sector
        var (content, log) = Parse(b.Bytes, Base);

        var shifted = Assert.Single(content.Records, r => r.Uuid == B);
        Assert.Equal((true, 1, Base + 3584, "shifted"), (shifted.IsMisaligned, shifted.SlotIndex, shifted.OffsetBytes, shifted.NameLabel));
        Assert.Contains(log, f => f.Code == MgtCodes.RecordMalformed && f.Offset == Base + 3072);
        Assert.Contains(log, f => f.Code == MgtCodes.RecordMisaligned && f.Offset == Base + 3584);
        Assert.Contains(content.Records, r => r.NameLabel == "one");
        Assert.Contains(content.Records, r => r.NameLabel == "three" && r.SlotIndex == 3);
    }

    [Fact]
    public void Bad_flags_bad_uuid_odd_vdi_type_missing_uuid_and_duplicate_tags_are_reported_at_their_elements()
    {
        var b = MgtBuilder.Standard(3);
        b.Record(0, "flags", "", [("uuid", "not-a-uuid"), ("read_only", "yes"), ("deleted", "0"), ("is_a_snapshot", "0"),
            ("managed", "1"), ("type", "user"), ("vdi_type", "iso"), ("type", "system")]);
        b.Record(1, "nameless", "", [("deleted", "0")]);
        b.Record(2, "sparse", "", [("uuid", C), ("deleted", "0")]);
        var (content, log) = Parse(b.Bytes, Base);

        var r = content.Records[0];
        Assert.Equal(("not-a-uuid", (bool?)null, "system", "iso"), (r.Uuid, r.ReadOnly, r.Type, r.VdiType));
        var sectorB = 2048 + 512;
        Assert.Equal(Base + sectorB, Code(log, MgtCodes.RecordBadUuid).Offset);
        Assert.Equal(Base + sectorB + "<uuid>not-a-uuid</uuid>".Length, Code(log, MgtCodes.RecordBadFlag).Offset);
        Assert.Equal(("yes", "0 or 1"), (Code(log, MgtCodes.RecordBadFlag).Stored, Code(log, MgtCodes.RecordBadFlag).Computed));
        Assert.Equal("iso", Code(log, MgtCodes.RecordVdiType).Stored);
        Assert.Equal(Base + 2048, Code(log, MgtCodes.RecordDuplicateTag).Offset);
        Assert.Equal(Base + 3072, Code(log, MgtCodes.RecordNoUuid).Offset);
        Assert.DoesNotContain(content.Records, x => x.NameLabel == "nameless");
        var missing = Code(log, MgtCodes.RecordMissingField);
        Assert.Equal(Base + 4096, missing.Offset);
        Assert.Contains("is_a_snapshot, read_only, managed, type, vdi_type", missing.Message);
    }

    [Fact]
    public void A_cut_buffer_reads_what_it_holds()
    {
        var full = ThreeRecords().Bytes;
        var cut = full.AsSpan(0, 4096 + 700).ToArray();
        var (content, log) = Parse(cut, Base);

        // Slot 2 is cut after its uuid: kept, flagged damaged.
        Assert.Equal(["one", "two", "three"], content.Records.Select(r => r.NameLabel));
        Assert.Equal([false, false, true], content.Records.Select(r => r.IsDamaged));
        Assert.Equal((Base + 5, "5120", "4796"), (Code(log, MgtCodes.Truncated).Offset, Code(log, MgtCodes.Truncated).Stored, Code(log, MgtCodes.Truncated).Computed));
        // The finding points at the element the end of the buffer cuts.
        var sectorB = string.Concat(MgtBuilder.Keys(C).Select(k => $"<{k.Tag}>{k.Value}</{k.Tag}>"));
        Assert.Equal(Base + 4608 + sectorB.LastIndexOf('<', 4796 - 4608 - 1), Code(log, MgtCodes.RecordTruncated).Offset);
    }

    [Fact]
    public void Every_cut_point_gives_findings_never_an_exception()
    {
        var full = ThreeRecords().Bytes.AsSpan(0, 6 * 1024).ToArray();
        for (var length = 0; length <= full.Length; length += 7)
        {
            var log = new FindingLog();
            var content = MgtParser.Parse(full.AsSpan(0, length), 0, log, null);
            Assert.True(content.Records.Count <= 3);
            Assert.All(log, f => Assert.InRange(f.Offset, 0, length));
        }
    }

    [Fact]
    public void Flipped_bytes_anywhere_give_findings_never_an_exception()
    {
        var current = ThreeRecords().Bytes.AsSpan(0, 8192).ToArray();
        var legacy = MgtBuilder.Legacy($"<SRMetadata><uuid>{A}</uuid><vdi><uuid>{B}</uuid><name_label>x</name_label></vdi><vdi/></SRMetadata>", size: 8192);
        var random = new Random(11);
        foreach (var original in new[] { current, legacy })
        {
            for (var round = 0; round < 300; round++)
            {
                var bytes = (byte[])original.Clone();
                for (var flips = random.Next(1, 16); flips > 0; flips--)
                {
                    var at = random.Next(round % 2 == 0 ? 64 : bytes.Length);
                    bytes[at] = Alphabet[random.Next(Alphabet.Length)];
                }

                var log = new FindingLog();
                var content = MgtParser.Parse(bytes, Base, log, null);
                Assert.All(content.Records, r => Assert.InRange(r.OffsetBytes, Base, Base + bytes.Length));
                Assert.All(log, f => Assert.InRange(f.Offset, Base, Base + bytes.Length));
            }
        }
    }

    [Fact]
    public void Random_bytes_give_a_missing_header_and_no_records()
    {
        var bytes = new byte[MgtBuilder.Size];
        new Random(7).NextBytes(bytes);
        bytes[0] = (byte)'Q';
        var (content, log) = Parse(bytes, Base);

        Assert.Equal(MgtFormat.Missing, content.Header.Format);
        Assert.Empty(content.Records);
        var f = Assert.Single(log);
        Assert.Equal((MgtCodes.HeaderMissing, Severity.Error, Base), (f.Code, f.Severity, f.Offset));
    }

    [Fact]
    public void Random_bytes_after_a_valid_header_cost_only_the_slots_inside_the_length()
    {
        var bytes = new byte[MgtBuilder.Size];
        new Random(9).NextBytes(bytes);
        var b = new MgtBuilder();
        bytes.CopyTo(b.Bytes, 0);
        b.Header(5120).Sr(MgtBuilder.SrUuid, "thin", "x", "").Vdi(1, A, "survivor");
        var (content, log) = Parse(b.Bytes);

        Assert.Equal("survivor", Assert.Single(content.Records).NameLabel);
        Assert.Equal([2048, 4096], log.Where(f => f.Code == MgtCodes.RecordMalformed).Select(f => f.Offset));
    }

    [Fact]
    public void A_header_length_of_4_GiB_is_damage_and_records_are_read_with_unknown_placement()
    {
        var b = MgtBuilder.Standard(0).Header(4L * 1024 * 1024 * 1024).Vdi(0, A, "one").Vdi(1, B, "two", deleted: true);
        var (content, log) = Parse(b.Bytes, Base);

        Assert.Equal(4L * 1024 * 1024 * 1024, content.Header.LengthBytes);
        Assert.False(content.Header.HasUsableLength);
        var f = Assert.Single(log);
        Assert.Equal((MgtCodes.HeaderLengthTooLarge, Base + 5, "4294967296"), (f.Code, f.Offset, f.Stored));
        Assert.All(content.Records, r => Assert.Equal(MgtRecordPlacement.LengthUnknown, r.Placement));
        Assert.Equal(["one", "two"], content.Records.Select(r => r.NameLabel));
    }

    [Theory]
    [InlineData("XSSM:abc       :1:2", MgtCodes.HeaderLength)]
    [InlineData("XSSM:3072      :1", MgtCodes.HeaderMalformed)]
    [InlineData("XSSM:3072      :1:1", MgtCodes.HeaderVersion)]
    [InlineData("XSSM:3000      :1:2", MgtCodes.HeaderLengthUnaligned)]
    [InlineData("XSSM:512       :1:2", MgtCodes.HeaderLengthShort)]
    [InlineData("XSSM:99999999999999999999999:1:2", MgtCodes.HeaderLengthTooLarge)]
    public void Header_rules(string header, string code)
    {
        var b = MgtBuilder.Standard(1).Sector(0, header).Vdi(0, A, "one");
        var (content, log) = Parse(b.Bytes, Base);

        Assert.Contains(log, f => f.Code == code && f.Offset >= Base && f.Offset < Base + 32);
        Assert.Equal("one", Assert.Single(content.Records).NameLabel);
    }

    [Fact]
    public void A_zero_filled_mgt_is_empty()
    {
        var (content, log) = Parse(new byte[MgtBuilder.Size], Base);
        Assert.Equal((MgtFormat.Missing, 0), (content.Header.Format, content.Records.Count));
        Assert.Equal((MgtCodes.Empty, Base), (Assert.Single(log).Code, Assert.Single(log).Offset));

        var (none, emptyLog) = Parse([], Base);
        Assert.Empty(none.Records);
        Assert.Equal(MgtCodes.Empty, Assert.Single(emptyLog).Code);
    }

    [Fact]
    public void A_zeroed_header_sector_still_yields_records_and_sr_information()
    {
        var b = MgtBuilder.Standard(2).Vdi(0, A, "one").Vdi(1, B, "two");
        b.Bytes.AsSpan(0, 512).Clear();
        var (content, log) = Parse(b.Bytes, Base);

        Assert.Equal(MgtFormat.Missing, content.Header.Format);
        Assert.Equal(MgtBuilder.SrUuid, content.SrInfo.Uuid);
        Assert.All(content.Records, r => Assert.Equal(MgtRecordPlacement.LengthUnknown, r.Placement));
        Assert.Equal(MgtCodes.HeaderMissing, Assert.Single(log).Code);
    }

    [Fact]
    public void Damaged_sr_sectors_and_bad_entities_are_reported()
    {
        var b = MgtBuilder.Standard(1).Sector(2, "<name_label>half").Sector(1, "<?xml version=\"1.0\" ?><uuid>x</uuid>")
            .Record(0, "AT&T", "", MgtBuilder.Keys(A));
        // The builder escapes; put a raw bare '&' back in.
        b.Text(2048, "<vdi><name_label>AT&T</name_label><name_description></name_description>", 512);
        var (content, log) = Parse(b.Bytes, Base);

        Assert.Equal(Base + 1024 + 512, Code(log, MgtCodes.SrMalformed).Offset);
        Assert.Equal(Base + 512, Code(log, MgtCodes.SrAllocation).Offset);
        Assert.Equal(Base + 2048 + 17 + 2, Code(log, MgtCodes.TextBadEntity).Offset);
        Assert.Equal("AT&T", content.Records[0].NameLabel);
        Assert.Null(content.SrInfo.NameLabel);
    }

    private static Finding Code(FindingLog log, string code) => Assert.Single(log, f => f.Code == code);

    private static MgtBuilder ThreeRecords() => MgtBuilder.Standard(3).Vdi(0, A, "one").Vdi(1, B, "two").Vdi(2, C, "three");
}
