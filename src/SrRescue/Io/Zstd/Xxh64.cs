using System.Buffers.Binary;
using System.Numerics;

namespace SrRescue.Io.Zstd;

/// <summary>
/// XXH64 (the xxHash 64-bit algorithm), which Zstandard uses for its content checksum: the low
/// 32 bits of XXH64 with seed 0 over the decoded content (RFC 8878 3.1.1). System.IO.Hashing has it,
/// but it is a NuGet package, and the library has no NuGet dependency.
/// </summary>
internal static class Xxh64
{
    private const ulong Prime1 = 0x9E3779B185EBCA87;
    private const ulong Prime2 = 0xC2B2AE3D27D4EB4F;
    private const ulong Prime3 = 0x165667B19E3779F9;
    private const ulong Prime4 = 0x85EBCA77C2B2AE63;
    private const ulong Prime5 = 0x27D4EB2F165667C5;

    public static ulong Hash(ReadOnlySpan<byte> data, ulong seed = 0)
    {
        unchecked
        {
            var i = 0;
            ulong h;
            if (data.Length >= 32)
            {
                var v1 = seed + Prime1 + Prime2;
                var v2 = seed + Prime2;
                var v3 = seed;
                var v4 = seed - Prime1;
                var stripes = data[..(data.Length & ~31)];
                for (; i < stripes.Length; i += 32)
                {
                    var stripe = stripes.Slice(i, 32);
                    v1 = Round(v1, BinaryPrimitives.ReadUInt64LittleEndian(stripe));
                    v2 = Round(v2, BinaryPrimitives.ReadUInt64LittleEndian(stripe[8..]));
                    v3 = Round(v3, BinaryPrimitives.ReadUInt64LittleEndian(stripe[16..]));
                    v4 = Round(v4, BinaryPrimitives.ReadUInt64LittleEndian(stripe[24..]));
                }

                h = BitOperations.RotateLeft(v1, 1) + BitOperations.RotateLeft(v2, 7) + BitOperations.RotateLeft(v3, 12) + BitOperations.RotateLeft(v4, 18);
                h = Merge(h, v1);
                h = Merge(h, v2);
                h = Merge(h, v3);
                h = Merge(h, v4);
            }
            else
            {
                h = seed + Prime5;
            }

            h += (ulong)data.Length;
            for (; i + 8 <= data.Length; i += 8)
            {
                h ^= Round(0, BinaryPrimitives.ReadUInt64LittleEndian(data[i..]));
                h = (BitOperations.RotateLeft(h, 27) * Prime1) + Prime4;
            }

            if (i + 4 <= data.Length)
            {
                h ^= BinaryPrimitives.ReadUInt32LittleEndian(data[i..]) * Prime1;
                h = (BitOperations.RotateLeft(h, 23) * Prime2) + Prime3;
                i += 4;
            }

            for (; i < data.Length; i++)
            {
                h ^= data[i] * Prime5;
                h = BitOperations.RotateLeft(h, 11) * Prime1;
            }

            h ^= h >> 33;
            h *= Prime2;
            h ^= h >> 29;
            h *= Prime3;
            h ^= h >> 32;
            return h;
        }
    }

    private static ulong Round(ulong acc, ulong input) =>
        unchecked(BitOperations.RotateLeft(acc + (input * Prime2), 31) * Prime1);

    private static ulong Merge(ulong acc, ulong value) =>
        unchecked(((acc ^ Round(0, value)) * Prime1) + Prime4);
}
