using System.Buffers.Binary;
using System.Text;

namespace SrRescue.Tests.Xen.Mgt;

/// <summary>
/// Builds MGT bytes the way srmetadata.py writes them (xenserver-lvhd.md 3.1, 3.3): sector 0
/// <c>XSSM:</c> + length left-justified in 10 + <c>:1:2</c>; sector 1 XML declaration, uuid,
/// allocation; sectors 2 and 3 the SR name and description; two sectors per VDI record at
/// 2048 + 1024·k; every sector padded with spaces (or, to test tolerance, NULs).
/// </summary>
internal sealed class MgtBuilder
{
    public const int Size = 4 * 1024 * 1024;
    public const string SrUuid = "11111111-2222-3333-4444-555555555555";

    public MgtBuilder(int size = Size) => Bytes = new byte[size];

    public byte[] Bytes { get; }

    public byte Pad { get; set; } = (byte)' ';

    public static int SlotOffset(int slot) => 2048 + (1024 * slot);

    /// <summary>A standard MGT: header with the length of <paramref name="liveSlots"/> records, SR sectors.</summary>
    public static MgtBuilder Standard(int liveSlots, int size = Size) =>
        new MgtBuilder(size).Header(2048 + (1024 * liveSlots)).Sr(SrUuid, "thin", "Local storage", "");

    public MgtBuilder Header(long length, int major = 1, int minor = 2) =>
        Sector(0, $"XSSM:{length.ToString().PadRight(10)}:{major}:{minor}");

    public MgtBuilder Sr(string uuid, string allocation, string name, string description)
    {
        Sector(1, $"<?xml version=\"1.0\" ?><uuid>{uuid}</uuid><allocation>{allocation}</allocation>");
        Sector(2, $"<name_label>{Escape(name)}</name_label>");
        return Sector(3, $"<name_description>{Escape(description)}</name_description>");
    }

    /// <summary>Record <paramref name="slot"/>: sector A the names, sector B the other keys in the given order then &lt;/vdi&gt;.</summary>
    public MgtBuilder Record(int slot, string name, string description, IEnumerable<(string Tag, string Value)> keys)
    {
        var at = SlotOffset(slot);
        Text(at, $"<vdi><name_label>{Escape(name)}</name_label><name_description>{Escape(description)}</name_description>", 512);
        var b = new StringBuilder();
        foreach (var (tag, value) in keys)
        {
            b.Append('<').Append(tag).Append('>').Append(value).Append("</").Append(tag).Append('>');
        }

        b.Append("</vdi>");
        return Text(at + 512, b.ToString(), 512);
    }

    /// <summary>A record with SM's key order (LVHDVDI.create + deleted).</summary>
    public MgtBuilder Vdi(int slot, string uuid, string name, bool deleted = false, bool snapshot = false, string snapshotOf = "", bool readOnly = false, string description = "") =>
        Record(slot, name, description, Keys(uuid, deleted, snapshot, snapshotOf, readOnly));

    public static List<(string Tag, string Value)> Keys(string uuid, bool deleted = false, bool snapshot = false, string snapshotOf = "", bool readOnly = false) =>
    [
        ("uuid", uuid), ("is_a_snapshot", snapshot ? "1" : "0"), ("snapshot_of", snapshotOf),
        ("snapshot_time", snapshot ? "20240101T10:00:00Z" : ""), ("type", "user"), ("vdi_type", "vhd"),
        ("read_only", readOnly ? "1" : "0"), ("managed", "1"), ("metadata_of_pool", ""), ("deleted", deleted ? "1" : "0"),
    ];

    public MgtBuilder Sector(int index, string text) => Text(index * 512, text, 512);

    /// <summary>UTF-8 text at <paramref name="at"/>, padded with <see cref="Pad"/> to a multiple of <paramref name="padTo"/>.</summary>
    public MgtBuilder Text(int at, string text, int padTo = 1)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        return Raw(at, bytes, padTo);
    }

    public MgtBuilder Raw(int at, ReadOnlySpan<byte> bytes, int padTo = 1)
    {
        bytes.CopyTo(Bytes.AsSpan(at));
        var padded = (bytes.Length + padTo - 1) / padTo * padTo;
        Bytes.AsSpan(at + bytes.Length, padded - bytes.Length).Fill(Pad);
        return this;
    }

    /// <summary>xml.sax.saxutils.escape: &amp;, &lt;, &gt;.</summary>
    public static string Escape(string s) => s.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");

    /// <summary>A legacy MGT: struct "4sIHH" header then the document (metadata.buildOutput).</summary>
    public static byte[] Legacy(string document, int size = Size, int major = 1, int minor = 2, long? totalLength = null)
    {
        var doc = Encoding.UTF8.GetBytes(document);
        var bytes = new byte[size];
        "XSSM"u8.CopyTo(bytes);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), (uint)(totalLength ?? (doc.Length + 12)));
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)major);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(10), (ushort)minor);
        doc.CopyTo(bytes, 12);
        return bytes;
    }
}
