using System.Buffers.Binary;
using SrRescue.Vhd;

namespace SrRescue.Tests.Fuzz;

/// <summary>
/// One damaged input: a base image, the structure hit, and how (bit flips, a run of 0x00 or 0xFF,
/// a hostile integer at a field, a cut at a structure boundary, or damage to the metadata text
/// written back with matching checksums, <see cref="MetadataTextMutation"/>). Everything follows from the
/// seed and the case number, so a failing case is replayed by its id alone.
/// </summary>
internal sealed record MutationCase(int Seed, int Number, FuzzBase Base, string Target, string Kind, long Offset, byte[] Bytes, long? CutTo)
{
    private static readonly ulong[] HostileIntegers =
    [
        0, 1, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF, 0x7FFF_FFFF_FFFF_FFFF, 0xFFFF_FFFF_FFFF_FFFF, 0x1_0000_0000,
    ];

    public string Id => $"seed {Seed} case {Number}: {Base.Name} {Target} {Kind} at byte {Offset}";

    public static MutationCase Make(int seed, int number, IReadOnlyList<FuzzBase> bases)
    {
        var random = new Random(HashCode.Combine(seed, number) & int.MaxValue);
        var b = bases[random.Next(bases.Count)];
        var (target, start, length) = b.Fields[random.Next(b.Fields.Count)];
        var offset = start + (length <= 1 ? 0 : random.NextInt64(length));
        if (b.MdaAt is { } mda && random.Next(6) == 0)
        {
            var variant = MetadataTextMutation.Variants[random.Next(MetadataTextMutation.Variants.Length)];
            return new MutationCase(seed, number, b, "metadata text", $"text {variant}", mda, [], null);
        }

        if (b.BigEndian && b.Name.Contains("vhd", StringComparison.Ordinal) && random.Next(6) == 0)
        {
            // Issue 15's hang: both footers claim a hostile size, checksums made to match.
            var size = HostileIntegers[random.Next(HostileIntegers.Length)] | (random.Next(2) == 0 ? 0x8000_0000_0000_0000UL : 0);
            return new MutationCase(seed, number, b, "footer current size", $"sized footers {size:x}", VhdFooter.Off.CurrentSize, BitConverter.GetBytes(size), null);
        }

        switch (random.Next(5))
        {
            case 0:
                var flips = new byte[1 + random.Next(4)];
                random.NextBytes(flips);
                return new MutationCase(seed, number, b, target, "xor", offset, flips, null);
            case 1:
                return new MutationCase(seed, number, b, target, "zeros", offset, new byte[1 + random.Next(64)], null);
            case 2:
                return new MutationCase(seed, number, b, target, "ones", offset, Enumerable.Repeat((byte)0xFF, 1 + random.Next(64)).ToArray(), null);
            case 3:
                var value = random.Next(4) == 0 ? (ulong)b.Length + (ulong)random.Next(1 << 20) : HostileIntegers[random.Next(HostileIntegers.Length)];
                var bytes = new byte[random.Next(2) == 0 ? 4 : 8];
                var bigEndian = b.BigEndian;
                if (bytes.Length == 4)
                {
                    if (bigEndian) BinaryPrimitives.WriteUInt32BigEndian(bytes, (uint)value); else BinaryPrimitives.WriteUInt32LittleEndian(bytes, (uint)value);
                }
                else
                {
                    if (bigEndian) BinaryPrimitives.WriteUInt64BigEndian(bytes, value); else BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
                }

                return new MutationCase(seed, number, b, target, $"integer {value:x}", offset - offset % bytes.Length, bytes, null);
            default:
                return new MutationCase(seed, number, b, target, "cut", start, [], start + random.Next(2) * length);
        }
    }

    /// <summary>Writes the damaged copy of the base image to <paramref name="path"/>.</summary>
    public void WriteTo(string path)
    {
        // A sparse copy (the LVM images are 512 MiB, mostly holes).
        var copy = Support.ExternalTool.Run("cp", ["--sparse=always", Base.Path, path]);
        if (copy.ExitCode != 0)
        {
            throw new IOException($"cp {Base.Path} {path}: {copy.All}");
        }

        using var f = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        if (CutTo is { } cut)
        {
            f.SetLength(Math.Min(cut, f.Length));
            return;
        }

        if (Kind.StartsWith("text ", StringComparison.Ordinal))
        {
            MetadataTextMutation.Apply(f, Offset, Kind[5..], new Random(HashCode.Combine(Seed, Number, "text") & int.MaxValue));
            return;
        }

        if (Kind.StartsWith("sized footers ", StringComparison.Ordinal))
        {
            var size = BitConverter.ToUInt64(Bytes);
            foreach (var at in new[] { 0, f.Length - VhdFooter.Size })
            {
                var footer = new byte[VhdFooter.Size];
                f.Position = at;
                f.ReadExactly(footer);
                BinaryPrimitives.WriteUInt64BigEndian(footer.AsSpan(VhdFooter.Off.CurrentSize), size);
                BinaryPrimitives.WriteUInt32BigEndian(footer.AsSpan(VhdFooter.Off.Checksum), VhdChecksum.Compute(footer, VhdFooter.Off.Checksum));
                f.Position = at;
                f.Write(footer);
            }

            return;
        }

        if (Offset >= f.Length)
        {
            return;
        }

        var old = new byte[Math.Min(Bytes.Length, f.Length - Offset)];
        f.Position = Offset;
        f.ReadExactly(old);
        for (var i = 0; i < old.Length; i++)
        {
            old[i] = Kind == "xor" ? (byte)(old[i] ^ (Bytes[i] == 0 ? 1 : Bytes[i])) : Bytes[i];
        }

        f.Position = Offset;
        f.Write(old);
    }
}
