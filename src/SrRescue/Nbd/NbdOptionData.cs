using System.Buffers.Binary;
using System.Text;

namespace SrRescue.Nbd;

/// <summary>
/// The data of the options that carry some (nbd.md 4.1): NBD_OPT_INFO and NBD_OPT_GO (export
/// name, the info types asked for) and NBD_OPT_LIST/SET_META_CONTEXT (export name, queries).
/// Every length inside is checked against the option's own length; a mismatch is "invalid".
/// </summary>
internal static class NbdOptionData
{
    public sealed record InfoRequest(string ExportName, IReadOnlyList<ushort> InfoTypes);

    public sealed record MetaContextRequest(string ExportName, IReadOnlyList<string> Queries);

    /// <summary>32-bit name length, name, 16-bit count, count 16-bit info types; null when the lengths do not add up.</summary>
    public static InfoRequest? ReadInfo(ReadOnlySpan<byte> data)
    {
        if (!TryString(ref data, out var name) || data.Length < 2)
        {
            return null;
        }

        int count = BinaryPrimitives.ReadUInt16BigEndian(data);
        data = data[2..];
        if (data.Length != count * 2)
        {
            return null;
        }

        var types = new ushort[count];
        for (var i = 0; i < count; i++)
        {
            types[i] = BinaryPrimitives.ReadUInt16BigEndian(data[(i * 2)..]);
        }

        return new InfoRequest(name, types);
    }

    /// <summary>32-bit name length, name, 32-bit query count, each query as 32-bit length and string; null when the lengths do not add up.</summary>
    public static MetaContextRequest? ReadMetaContext(ReadOnlySpan<byte> data)
    {
        if (!TryString(ref data, out var name) || data.Length < 4)
        {
            return null;
        }

        var count = BinaryPrimitives.ReadUInt32BigEndian(data);
        data = data[4..];
        // Each query takes at least its 4-byte length: a count beyond that is a lie, not a reason to allocate.
        if (count > (uint)data.Length / 4)
        {
            return null;
        }

        var queries = new List<string>((int)count);
        for (var i = 0u; i < count; i++)
        {
            if (!TryString(ref data, out var query))
            {
                return null;
            }

            queries.Add(query);
        }

        return data.IsEmpty ? new MetaContextRequest(name, queries) : null;
    }

    private static bool TryString(ref ReadOnlySpan<byte> data, out string value)
    {
        value = "";
        if (data.Length < 4)
        {
            return false;
        }

        var length = BinaryPrimitives.ReadUInt32BigEndian(data);
        if (length > (uint)data.Length - 4)
        {
            return false;
        }

        value = Encoding.UTF8.GetString(data.Slice(4, (int)length));
        data = data[(4 + (int)length)..];
        return true;
    }
}
