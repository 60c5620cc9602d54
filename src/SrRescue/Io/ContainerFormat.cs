using System.Buffers.Binary;
using System.Text;

namespace SrRescue.Io;

/// <summary>
/// Disk-image containers recognised by their magic. Such a file is not a raw disk: its first
/// bytes are the container's header, not a partition table or an LVM label, so reading it as raw
/// finds "damage" that is not there (and a plan that writes a partition table would write it over
/// the container's header). Magics: qcow2 <c>QFI\xfb</c> at 0 (qemu docs/interop/qcow2.txt),
/// VMDK sparse extent <c>KDMV</c> at 0 and the text descriptor "# Disk DescriptorFile", VHDX
/// <c>vhdxfile</c> at 0 (MS-VHDX 2.2.1), VirtualBox VDI signature 0xBEDA107F at 0x40, and a
/// dynamic or differencing VHD's footer copy <c>conectix</c> at 0 (vhd.md).
/// </summary>
public sealed record ContainerFormat(string Name, string QemuFormat, string HowToRead)
{
    public const int ProbeBytes = 512;

    private const uint VdiSignature = 0xBEDA107F;

    public static ContainerFormat? Detect(IByteSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        Span<byte> head = stackalloc byte[ProbeBytes];
        head.Clear();
        var read = source.ReadAt(0, head);
        return read < 8 ? null : Detect(head[..read]);
    }

    public static ContainerFormat? Detect(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith((ReadOnlySpan<byte>)[0x51, 0x46, 0x49, 0xFB]))
        {
            return new ContainerFormat("qcow2", "qcow2",
                "read it with the qcow2 commands: 'srrescue qcow2 info FILE', 'srrescue qcow2 convert FILE -o disk.raw --format raw' (qemu-img convert -f qcow2 -O raw does the same for a healthy image), then run this command on disk.raw");
        }

        if (head.StartsWith("KDMV"u8) || head.StartsWith("# Disk DescriptorFile"u8))
        {
            return Qemu("VMDK", "vmdk");
        }

        if (head.StartsWith("vhdxfile"u8))
        {
            return Qemu("VHDX", "vhdx");
        }

        if (head.Length >= 0x44 && BinaryPrimitives.ReadUInt32LittleEndian(head[0x40..]) == VdiSignature)
        {
            return Qemu("VirtualBox VDI", "vdi");
        }

        if (head.StartsWith("conectix"u8))
        {
            return new ContainerFormat("VHD (dynamic or differencing)", "vpc",
                "read it with the vhd commands: 'srrescue vhd check FILE', 'srrescue vhd convert FILE -o disk.raw --format raw', then run this command on disk.raw");
        }

        return null;
    }

    private static ContainerFormat Qemu(string name, string format) => new(name, format,
        $"convert it to a raw disk first ('qemu-img convert -f {format} -O raw FILE disk.raw') or expose it read-only ('qemu-nbd --read-only -f {format} -c /dev/nbd0 FILE'), then run this command on disk.raw or /dev/nbd0");

    /// <summary>One sentence for a finding or an error message about <paramref name="path"/>.</summary>
    public string Describe(string path)
    {
        var how = new StringBuilder(HowToRead).Replace("FILE", path);
        return $"{path} is a {Name} image, not a raw disk: its first bytes are the {Name} header, so no partition table or LVM label can be read from it as it is; {how}";
    }
}
