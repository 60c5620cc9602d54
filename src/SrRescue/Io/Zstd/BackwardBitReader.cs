using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace SrRescue.Io.Zstd;

/// <summary>
/// Reads a Zstandard backward bitstream (RFC 8878 4.1, "bitstreams are read backward"): the last
/// byte holds a 1 bit above the first bit to read, and bits are taken from the most significant
/// end of the stream seen as one little-endian number. Bits wanted past the start of the stream
/// read as zeros (the RFC's rule for the Huffman weights); <see cref="IsOverflowed"/> says that
/// happened, <see cref="IsFinished"/> that every bit was read exactly.
/// A 64-bit container is refilled by <see cref="Reload"/>; after a reload at least 57 bits can be
/// read, unless the rest of the stream is all in the container already.
/// </summary>
internal ref struct BackwardBitReader
{
    private readonly ReadOnlySpan<byte> data;
    private ulong container;

    /// <summary>Bits of the container already read, counted from its most significant bit.</summary>
    private int consumed;

    /// <summary>Where the container was loaded from; 0 once it holds the start of the stream.</summary>
    private int ptr;

    /// <param name="at">Absolute offset of the stream, for the error.</param>
    public BackwardBitReader(ReadOnlySpan<byte> data, long at, string structure)
    {
        if (data.IsEmpty)
        {
            throw ZstdError.At(ZstdCodes.Bitstream, structure, at, "the bitstream is empty");
        }

        var last = data[^1];
        if (last == 0)
        {
            throw ZstdError.At(ZstdCodes.Bitstream, structure, at + data.Length - 1, "the bitstream's last byte is zero, so it has no start marker");
        }

        this.data = data;
        var marker = 8 - BitOperations.Log2(last);
        if (data.Length >= 8)
        {
            ptr = data.Length - 8;
            container = BinaryPrimitives.ReadUInt64LittleEndian(data[ptr..]);
            consumed = marker;
        }
        else
        {
            for (var i = 0; i < data.Length; i++)
            {
                container |= (ulong)data[i] << (8 * i);
            }

            consumed = marker + ((8 - data.Length) * 8);
        }
    }

    /// <summary>Every bit of the stream has been read, no more and no fewer.</summary>
    public readonly bool IsFinished => ptr == 0 && consumed == 64;

    /// <summary>More bits were read than the stream has (the extra ones read as zeros).</summary>
    public readonly bool IsOverflowed => consumed > 64;

    /// <summary>The next <paramref name="n"/> bits (0 to 56) without taking them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly ulong Peek(int n) => consumed >= 64 ? 0 : (container << consumed) >> 1 >> (63 - n);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Skip(int n) => consumed += n;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong Read(int n)
    {
        var v = Peek(n);
        consumed += n;
        return v;
    }

    /// <summary>Moves the container back over the bytes read, so it holds at least 57 unread bits where the stream has them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Reload()
    {
        if (consumed > 64)
        {
            return;
        }

        if (ptr >= 8)
        {
            ptr -= consumed >> 3;
            consumed &= 7;
        }
        else if (ptr == 0)
        {
            return;
        }
        else
        {
            var bytes = Math.Min(consumed >> 3, ptr);
            ptr -= bytes;
            consumed -= bytes << 3;
        }

        container = BinaryPrimitives.ReadUInt64LittleEndian(data[ptr..]);
    }
}
