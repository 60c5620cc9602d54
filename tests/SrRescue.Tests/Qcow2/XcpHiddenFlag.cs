using System.Buffers.Binary;

namespace SrRescue.Tests.Qcow2;

/// <summary>
/// Adds XCP-ng's hidden-flag header extension to a qcow2 file the way sm's qcow2util.py does
/// (setHidden): type 0x76617465 ("vate"), length 8, the flag in its first data byte, written over
/// the end mark of the extension list; a backing file name behind the list moves 16 bytes on and
/// backing_file_offset follows it. When the extension is there, only the flag byte changes.
/// </summary>
internal static class XcpHiddenFlag
{
    private const uint Type = 0x76617465;

    public static void Set(string path, bool hidden)
    {
        var bytes = File.ReadAllBytes(path);
        var version = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(4));
        var at = version >= 3 ? (int)BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(100)) : 72;
        while (true)
        {
            var type = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(at));
            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(at + 4));
            if (type == Type)
            {
                bytes[at + 8] = hidden ? (byte)1 : (byte)0;
                break;
            }

            if (type == 0)
            {
                var backingAt = (int)BinaryPrimitives.ReadUInt64BigEndian(bytes.AsSpan(8));
                var backingSize = (int)BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(16));
                if (backingAt != 0)
                {
                    var name = bytes.AsSpan(backingAt, backingSize).ToArray();
                    bytes.AsSpan(backingAt, backingSize).Clear();
                    name.CopyTo(bytes.AsSpan(backingAt + 16));
                    BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(8), (ulong)(backingAt + 16));
                }

                BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(at), Type);
                BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(at + 4), 8);
                bytes.AsSpan(at + 8, 8).Clear();
                bytes[at + 8] = hidden ? (byte)1 : (byte)0;
                break;
            }

            at += 8 + ((length + 7) & ~7);
        }

        File.WriteAllBytes(path, bytes);
    }
}
