using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.IO.Compression;
using System.Text.Json;
using SrRescue.Io;
using SrRescue.Tests.Support;

namespace SrRescue.Tests.Vhd;

/// <summary>
/// The vhd_damaged fixtures: their expected.json entries, their bytes (decompressed once per run,
/// shared read-only), and sources that lay a few changed bytes over a good image so a rule test
/// costs no copy of it.
/// </summary>
internal static class DamagedVhds
{
    public const string Scenario = "vhd_damaged";

    /// <summary>blktap's dynamic header sits at 512 in every fixture; the BAT at 1536.</summary>
    public const int HeaderAt = 512;
    public const int BatAt = 1536;

    /// <summary>XenServer's BAT of 1,048,576 entries puts the batmap header here (vhd.md 3.5).</summary>
    public const int BatmapHeaderAt = 4195840;
    public const int BatmapAt = 4196352;

    private static readonly ConcurrentDictionary<string, Lazy<byte[]>> Cache = new();

    public static JsonElement Files => Fixtures.Expected(Scenario).GetProperty("files");

    public static JsonElement Case(string gz) => Files.GetProperty(gz);

    /// <summary>The decompressed bytes of a fixture (e.g. "d-batmap-checksum.orig.vhd"); never modify them.</summary>
    public static byte[] Bytes(string name) => Cache.GetOrAdd(name, n => new Lazy<byte[]>(() =>
    {
        using var gz = new GZipStream(File.OpenRead(Fixtures.PathOf(Scenario, n + ".gz")), CompressionMode.Decompress);
        using var ms = new MemoryStream();
        gz.CopyTo(ms);
        return ms.ToArray();
    })).Value;

    public static IByteSource Source(string name) => new MemorySource(Bytes(name), name);

    /// <summary>Decompressed files in a new private folder.</summary>
    public static string Extract(params string[] gzFiles) => VhdFiles.Extract(Scenario, gzFiles);

    /// <summary>A good image with bytes laid over it.</summary>
    public sealed class Mutated : IByteSource
    {
        private readonly byte[] _base;
        private readonly SortedDictionary<long, byte> _changes = [];

        public Mutated(string name, long? length = null)
        {
            _base = Bytes(name);
            Name = name;
            Length = length ?? _base.Length;
        }

        public string Name { get; }

        public long Length { get; }

        public byte this[long at]
        {
            get => _changes.TryGetValue(at, out var b) ? b : at < _base.Length ? _base[at] : (byte)0;
            set => _changes[at] = value;
        }

        public Mutated Set(long at, ReadOnlySpan<byte> bytes)
        {
            for (var i = 0; i < bytes.Length; i++)
            {
                this[at + i] = bytes[i];
            }

            return this;
        }

        public Mutated U32(long at, uint value)
        {
            Span<byte> b = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(b, value);
            return Set(at, b);
        }

        public Mutated U64(long at, ulong value)
        {
            Span<byte> b = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64BigEndian(b, value);
            return Set(at, b);
        }

        public uint ReadU32(long at) => (uint)((this[at] << 24) | (this[at + 1] << 16) | (this[at + 2] << 8) | this[at + 3]);

        /// <summary>Recomputes the VHD checksum of the structure at <paramref name="at"/> (footer 512, header 1024 bytes).</summary>
        public Mutated FixChecksum(long at, int size, int checksumOff)
        {
            uint sum = 0;
            for (var i = 0; i < size; i++)
            {
                if (i < checksumOff || i >= checksumOff + 4)
                {
                    sum += this[at + i];
                }
            }

            return U32(at + checksumOff, ~sum);
        }

        public Mutated FixFooters() => FixChecksum(0, 512, 64).FixChecksum(Length - 512, 512, 64);

        public Mutated FixHeader() => FixChecksum(HeaderAt, 1024, 36);

        /// <summary>The same change in both footer copies, checksums fixed.</summary>
        public Mutated BothFooters(int off, ReadOnlySpan<byte> bytes) => Set(off, bytes).Set(Length - 512 + off, bytes).FixFooters();

        public Mutated BothFootersU32(int off, uint value)
        {
            Span<byte> b = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(b, value);
            return BothFooters(off, b);
        }

        public int ReadAt(long offset, Span<byte> buffer)
        {
            if (offset < 0 || offset >= Length || buffer.IsEmpty)
            {
                return 0;
            }

            var n = (int)Math.Min(buffer.Length, Length - offset);
            var fromBase = (int)Math.Clamp(_base.Length - offset, 0, n);
            _base.AsSpan((int)Math.Min(offset, _base.Length), fromBase).CopyTo(buffer);
            buffer[fromBase..n].Clear();
            foreach (var (at, b) in _changes.Where(kv => kv.Key >= offset && kv.Key < offset + n))
            {
                buffer[(int)(at - offset)] = b;
            }

            return n;
        }
    }
}
