using System.Text;
using SrRescue.Diagnostics;
using SrRescue.Xen.Mgt;
using static SrRescue.Tests.Xen.Mgt.MgtParserTests;

namespace SrRescue.Tests.Xen.Mgt;

/// <summary>The pre-6.0 format (xenserver-lvhd.md 3.4): struct "4sIHH" header, minidom-pretty-printed document.</summary>
public sealed class MgtLegacyTests
{
    private const string A = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";
    private const string B = "bbbbbbbb-bbbb-cccc-dddd-eeeeeeeeeeee";

    // What Python 2.4-2.6 minidom.toprettyxml() wrote: text on its own indented line, empty elements self-closed.
    private static readonly string Document = $"""
        <?xml version="1.0" ?>
        <SRMetadata>
        	<uuid>
        		{MgtBuilder.SrUuid}
        	</uuid>
        	<allocation>
        		thick
        	</allocation>
        	<name_label>
        		Old &amp; SR
        	</name_label>
        	<vdi>
        		<uuid>
        			{A}
        		</uuid>
        		<name_label>
        			mail &lt;1&gt;
        		</name_label>
        		<snapshot_of/>
        		<is_a_snapshot>
        			0
        		</is_a_snapshot>
        		<read_only>
        			1
        		</read_only>
        		<vdi_type>
        			aio
        		</vdi_type>
        	</vdi>
        	<vdi>
        		<deleted>
        			1
        		</deleted>
        		<uuid>
        			{B}
        		</uuid>
        		<name_label>
        			removed
        		</name_label>
        	</vdi>
        </SRMetadata>

        """;

    [Fact]
    public void The_document_yields_sr_information_and_every_vdi()
    {
        var (content, log) = Parse(MgtBuilder.Legacy(Document), 4096);

        Assert.Equal(MgtFormat.Legacy, content.Header.Format);
        Assert.Equal((Encoding.UTF8.GetByteCount(Document) + 12L, 1, 2), (content.Header.LengthBytes!.Value, content.Header.Major!.Value, content.Header.Minor!.Value));
        Assert.Equal((MgtBuilder.SrUuid, "thick", "Old & SR"), (content.SrInfo.Uuid, content.SrInfo.Allocation, content.SrInfo.NameLabel));
        Assert.Equal(2, content.Records.Count);
        var a = content.Records[0];
        Assert.Equal((0, MgtRecordPlacement.LegacyDocument, A, "mail <1>", true, "aio"), (a.SlotIndex, a.Placement, a.Uuid, a.NameLabel, a.ReadOnly, a.VdiType));
        Assert.Null(a.SnapshotOf);
        Assert.Equal(4096 + 12 + Document.IndexOf("<vdi>", StringComparison.Ordinal), a.OffsetBytes);
        Assert.Equal((B, true, false), (content.Records[1].Uuid, content.Records[1].IsDeleted, content.Records[1].IsLive));
        Assert.All(log.Where(f => f.Severity != Severity.Info), f => Assert.Equal(MgtCodes.RecordMissingField, f.Code));
        Assert.Equal(MgtCodes.Legacy, Assert.Single(log, f => f.Severity == Severity.Info).Code);
    }

    [Fact]
    public void A_length_beyond_the_buffer_a_damaged_element_and_stale_elements_are_handled()
    {
        var damaged = Document.Replace("\t\t<read_only>", "\t\t<read_only", StringComparison.Ordinal);
        var bytes = MgtBuilder.Legacy(damaged, size: 64 * 1024, totalLength: 0xFFFF_FFFF);
        var (content, log) = Parse(bytes);

        Assert.Equal(0xFFFF_FFFFL, content.Header.LengthBytes);
        Assert.Contains(log, f => f.Code == MgtCodes.Truncated && f.Offset == 4);
        var malformed = Assert.Single(log, f => f.Code == MgtCodes.LegacyMalformed);
        Assert.Equal(12 + damaged.IndexOf("<read_only", StringComparison.Ordinal), malformed.Offset);
        Assert.True(content.Records[0].IsDamaged);
        Assert.Equal("mail <1>", content.Records[0].NameLabel);
        Assert.False(content.Records[1].IsDamaged);

        // A shorter newer document over an older, longer one: the older <vdi> past the length is stale.
        var shortDoc = Document[..Document.IndexOf("\t<vdi>", StringComparison.Ordinal)] + "</SRMetadata>\n";
        var older = MgtBuilder.Legacy(Document, size: 64 * 1024);
        var newer = MgtBuilder.Legacy(shortDoc, size: 64 * 1024);
        newer.AsSpan(0, 12 + Encoding.UTF8.GetByteCount(shortDoc)).CopyTo(older);
        var (mixed, mixedLog) = Parse(older);
        Assert.All(mixed.Records, r => Assert.Equal(MgtRecordPlacement.PastLength, r.Placement));
        Assert.Contains(mixed.Records, r => r.Uuid == B && r.NameLabel == "removed" && r.SlotIndex == -1);
        Assert.DoesNotContain(mixedLog, f => f.Severity == Severity.Error);
    }

    [Fact]
    public void A_legacy_length_whose_low_byte_is_a_colon_is_still_legacy()
    {
        var pad = (((0x3A - 12 - Encoding.UTF8.GetByteCount(Document)) % 256) + 256) % 256;
        var doc = Document + new string(' ', pad);
        var total = 12 + Encoding.UTF8.GetByteCount(doc);
        Assert.Equal(0x3A, total & 0xFF);
        var (content, _) = Parse(MgtBuilder.Legacy(doc, size: 64 * 1024));
        Assert.Equal(MgtFormat.Legacy, content.Header.Format);
        Assert.Equal(2, content.Records.Count);
    }
}
