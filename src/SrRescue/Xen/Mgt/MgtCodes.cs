namespace SrRescue.Xen.Mgt;

/// <summary>The stable finding codes the MGT reader emits (tests and JSON use them).</summary>
internal static class MgtCodes
{
    /// <summary>The buffer is empty or holds only zero bytes.</summary>
    public const string Empty = "mgt.empty";

    /// <summary>No <c>XSSM</c> magic at byte 0: the header sector is damaged or this is not an MGT.</summary>
    public const string HeaderMissing = "mgt.header.missing";

    /// <summary>The text header does not split into XSSM:length:major:minor, or has junk.</summary>
    public const string HeaderMalformed = "mgt.header.malformed";

    /// <summary>The length field is not a number.</summary>
    public const string HeaderLength = "mgt.header.length";

    /// <summary>The declared length exceeds the 4 MiB MGT: it is damaged, live and stale records cannot be told apart.</summary>
    public const string HeaderLengthTooLarge = "mgt.header.length-too-large";

    /// <summary>The declared length is below the 2048 bytes of SR information.</summary>
    public const string HeaderLengthShort = "mgt.header.length-short";

    /// <summary>The declared length is not 2048 + 1024 × n.</summary>
    public const string HeaderLengthUnaligned = "mgt.header.length-unaligned";

    /// <summary>Major.minor is not 1.2.</summary>
    public const string HeaderVersion = "mgt.header.version";

    /// <summary>The buffer ends before the declared length: records past its end are not read.</summary>
    public const string Truncated = "mgt.truncated";

    /// <summary>The MGT is in the pre-6.0 binary-header format.</summary>
    public const string Legacy = "mgt.legacy";

    /// <summary>The legacy document is not well formed (what could be read is kept).</summary>
    public const string LegacyMalformed = "mgt.legacy.malformed";

    /// <summary>An SR information sector is not well formed.</summary>
    public const string SrMalformed = "mgt.sr.malformed";

    /// <summary>The SR information has no uuid.</summary>
    public const string SrNoUuid = "mgt.sr.no-uuid";

    /// <summary>allocation is missing or not thick/thin (SM refuses to attach).</summary>
    public const string SrAllocation = "mgt.sr.allocation";

    /// <summary>A VDI record is not well formed; its readable fields are kept when it has a uuid.</summary>
    public const string RecordMalformed = "mgt.record.malformed";

    /// <summary>A VDI record is cut by the end of the buffer.</summary>
    public const string RecordTruncated = "mgt.record.truncated";

    /// <summary>Slots inside the header length are blank.</summary>
    public const string RecordEmpty = "mgt.record.empty";

    /// <summary>A record has no uuid element; it cannot be matched to a VDI and is dropped.</summary>
    public const string RecordNoUuid = "mgt.record.no-uuid";

    /// <summary>The uuid is not in the 8-4-4-4-12 hex form.</summary>
    public const string RecordBadUuid = "mgt.record.bad-uuid";

    /// <summary>is_a_snapshot, read_only, managed or deleted is not 0 or 1.</summary>
    public const string RecordBadFlag = "mgt.record.bad-flag";

    /// <summary>A tag occurs twice in one record (the later one is kept, as SM's dict does).</summary>
    public const string RecordDuplicateTag = "mgt.record.duplicate-tag";

    /// <summary>Tags SM always writes are missing.</summary>
    public const string RecordMissingField = "mgt.record.missing-field";

    /// <summary>vdi_type is not vhd, aio or qcow2 (SM's scan cannot introduce the VDI).</summary>
    public const string RecordVdiType = "mgt.record.vdi-type";

    /// <summary>The record's own offset tag names another slot (it was copied or moved).</summary>
    public const string RecordOffsetMismatch = "mgt.record.offset-mismatch";

    /// <summary>A record starts at a 512-byte boundary that is not a slot start.</summary>
    public const string RecordMisaligned = "mgt.record.misaligned";

    /// <summary>Two live records (inside the length, not deleted) carry the same uuid.</summary>
    public const string RecordDuplicateUuid = "mgt.record.duplicate-uuid";

    /// <summary>A value has an unknown or malformed entity; it is kept literally.</summary>
    public const string TextBadEntity = "mgt.text.bad-entity";

    /// <summary>A value ends in a cut entity (names are cut after escaping); it is dropped.</summary>
    public const string TextTruncatedEntity = "mgt.text.truncated-entity";

    /// <summary>A value is not valid UTF-8 (invalid bytes become U+FFFD).</summary>
    public const string TextInvalidUtf8 = "mgt.text.invalid-utf8";
}
