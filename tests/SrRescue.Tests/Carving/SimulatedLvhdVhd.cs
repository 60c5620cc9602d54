using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using SrRescue.Vhd;

namespace SrRescue.Tests.Carving;

/// <summary>
/// One thin-provisioned VHD inside its LV, changed the way XenServer's SM and blktap's libvhd
/// change it (MANIFEST "How the disks were made", vhd.md 3.3-3.5, 6.3): <c>vhd-util create</c>
/// with BAT and batmap sized for 2 TiB and the footer at the end of data and at the LV end; each
/// new block appended at the end of data (zero-filled, bitmap at sector 7 mod 8, stride 4104),
/// the footer then rewritten at the new end of data; an inflate writes the primary footer at the
/// new LV end and leaves the old one; a deflate moves it down to just after the data; the batmap
/// marks full blocks on close. The bytes go to <c>lvWrite(lvOffset, bytes)</c>; nothing else of
/// the LV is touched, so an extent that held another LV keeps its stale bytes where this VHD
/// never wrote, as on a real SR.
/// <para>
/// The guest's view is kept apart from the VHD bytes (sectors written, read through the
/// parent), so the expected hash of each disk does not come from any VHD code.
/// </para>
/// </summary>
internal sealed class SimulatedLvhdVhd
{
    public const long ExtentBytes = 4L << 20;
    public const int SectorBytes = 512;
    public const int BlockBytes = 2 << 20;
    private const int SectorsPerBlock = BlockBytes / SectorBytes;
    private const int TableEntries = 1 << 20;
    private const long BatAt = 1536;
    private const long BatmapHeaderAt = BatAt + (TableEntries * 4L);
    private const long BatmapAt = BatmapHeaderAt + SectorBytes;
    private const int BatmapBytes = TableEntries / 8;
    private const long EndOfMetadata = BatmapAt + BatmapBytes;
    private const int LocatorSpace = 512;

    private readonly Action<long, byte[]> _lvWrite;
    private readonly SimulatedLvhdVhd? _parent;
    private readonly uint _timestamp;
    private readonly uint[] _bat;
    private readonly byte[] _batmap = new byte[BatmapBytes];
    private readonly Dictionary<int, (byte[] Data, bool[] Written)> _guest = [];
    private bool _hidden;

    public SimulatedLvhdVhd(Guid uuid, long virtualBytes, long lvBytes, SimulatedLvhdVhd? parent, string? parentDeviceMapperName,
        uint timestamp, Action<long, byte[]> lvWrite)
    {
        Uuid = uuid;
        VirtualBytes = virtualBytes;
        LvBytes = lvBytes;
        _parent = parent;
        _timestamp = timestamp;
        _lvWrite = lvWrite;
        _bat = new uint[virtualBytes / BlockBytes];
        Array.Fill(_bat, VhdImage.Unallocated);
        EndOfDataBytes = EndOfMetadata + (parent is null ? 0 : 3 * LocatorSpace);

        // vhd-util create: footer copy, header, the whole 2 TiB BAT unallocated, batmap, locators.
        _lvWrite(0, Footer());
        _lvWrite(SectorBytes, Header(parentDeviceMapperName));
        var bat = new byte[TableEntries * 4];
        bat.AsSpan().Fill(0xFF);
        _lvWrite(BatAt, bat);
        WriteBatmap();
        if (parentDeviceMapperName is not null)
        {
            _lvWrite(EndOfMetadata, Pad(Encoding.UTF8.GetBytes("file://./" + parentDeviceMapperName)));
            _lvWrite(EndOfMetadata + LocatorSpace, Pad(Encoding.Unicode.GetBytes(".\\" + parentDeviceMapperName)));
            _lvWrite(EndOfMetadata + (2 * LocatorSpace), Pad(Encoding.Unicode.GetBytes(".\\" + parentDeviceMapperName)));
        }

        _lvWrite(EndOfDataBytes, Footer());
        _lvWrite(LvBytes - SectorBytes, Footer());
    }

    public Guid Uuid { get; }

    public long VirtualBytes { get; }

    public long LvBytes { get; private set; }

    public long EndOfDataBytes { get; private set; }

    public int BlockCount => _bat.Length;

    /// <summary>The LV size this write needs: every new block appended, then the footer.</summary>
    public long LvBytesNeededFor(int block)
    {
        var end = EndOfDataBytes;
        if (_bat[block] == VhdImage.Unallocated)
        {
            end = (BitmapSectorAtOrAfter(end) * SectorBytes) + SectorBytes + BlockBytes;
        }

        return end + SectorBytes;
    }

    /// <summary>lvhdutil.inflate after <c>lvextend</c>: zero the new footer sector, write the footer there.</summary>
    public void Inflate(long newLvBytes)
    {
        LvBytes = newLvBytes;
        _lvWrite(LvBytes - SectorBytes, Footer());
    }

    /// <summary>A guest write of <paramref name="data"/> at sector <paramref name="sector"/> of block <paramref name="block"/>.</summary>
    public void Write(int block, int sector, byte[] data)
    {
        if (LvBytesNeededFor(block) > LvBytes)
        {
            throw new InvalidOperationException("inflate first");
        }

        if (_bat[block] == VhdImage.Unallocated)
        {
            var bitmapSector = BitmapSectorAtOrAfter(EndOfDataBytes);
            var frameStart = EndOfDataBytes;
            EndOfDataBytes = (bitmapSector * SectorBytes) + SectorBytes + BlockBytes;
            _lvWrite(frameStart, new byte[EndOfDataBytes - frameStart]);
            _bat[block] = (uint)bitmapSector;
            var entry = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(entry, (uint)bitmapSector);
            _lvWrite(BatAt + (block * 4L), entry);
            _lvWrite(EndOfDataBytes, Footer());
            _guest[block] = (new byte[BlockBytes], new bool[SectorsPerBlock]);
        }

        var (guestData, written) = _guest[block];
        data.CopyTo(guestData, sector * SectorBytes);
        for (var s = sector; s < sector + (data.Length / SectorBytes); s++)
        {
            written[s] = true;
        }

        var bitmapAt = (long)_bat[block] * SectorBytes;
        _lvWrite(bitmapAt, Bitmap(written));
        _lvWrite(bitmapAt + SectorBytes + (sector * SectorBytes), data);
    }

    /// <summary>tapdisk's close: blocks whose bitmap is full are marked in the batmap.</summary>
    public void Close()
    {
        foreach (var (block, (_, written)) in _guest)
        {
            if (Array.TrueForAll(written, w => w))
            {
                _batmap[block >> 3] |= (byte)(0x80 >> (block & 7));
            }
        }

        WriteBatmap();
    }

    /// <summary>
    /// The snapshot's first half (LVHDVDI._snapshot): deflate to the data (footer moved down to
    /// the new LV end, the old one left) and mark hidden. Returns the LV size for <c>lvreduce</c>.
    /// </summary>
    public long DeflateAndHide()
    {
        Close();
        _hidden = true;
        LvBytes = (EndOfDataBytes + SectorBytes + ExtentBytes - 1) / ExtentBytes * ExtentBytes;
        _lvWrite(0, Footer());
        _lvWrite(LvBytes - SectorBytes, Footer());
        return LvBytes;
    }

    /// <summary>SHA-256 of the disk the guest sees: its own sectors, else the parent's, else zeros.</summary>
    public string GuestSha256()
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var block = new byte[BlockBytes];
        for (var b = 0; b < _bat.Length; b++)
        {
            Array.Clear(block);
            ReadGuest(b, block);
            sha.AppendData(block);
        }

        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    private void ReadGuest(int block, byte[] into)
    {
        _parent?.ReadGuest(block, into);
        if (_guest.TryGetValue(block, out var own))
        {
            for (var s = 0; s < SectorsPerBlock; s++)
            {
                if (own.Written[s])
                {
                    Array.Copy(own.Data, s * SectorBytes, into, s * SectorBytes, SectorBytes);
                }
            }
        }
    }

    /// <summary>libvhd's __vhd_io_allocate_block: the data after the bitmap starts on a 4 KiB page.</summary>
    private static long BitmapSectorAtOrAfter(long endBytes)
    {
        var sector = (endBytes + SectorBytes - 1) / SectorBytes;
        return sector + ((7 - (sector % 8)) % 8);
    }

    private static byte[] Bitmap(bool[] written)
    {
        var bitmap = new byte[SectorBytes];
        for (var s = 0; s < written.Length; s++)
        {
            if (written[s])
            {
                bitmap[s >> 3] |= (byte)(0x80 >> (s & 7));
            }
        }

        return bitmap;
    }

    private void WriteBatmap()
    {
        var header = new byte[SectorBytes];
        BatmapHeader.Cookie.CopyTo(header);
        BinaryPrimitives.WriteUInt64BigEndian(header.AsSpan(BatmapHeader.Off.BatmapOffset), (ulong)BatmapAt);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(BatmapHeader.Off.BatmapSectors), BatmapBytes / SectorBytes);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(BatmapHeader.Off.Version), BatmapHeader.CurrentVersion);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(BatmapHeader.Off.Checksum),
            BatmapHeader.ComputeChecksum(_batmap, (ulong)VirtualBytes, BatmapHeader.CurrentVersion));
        _lvWrite(BatmapHeaderAt, header);
        _lvWrite(BatmapAt, (byte[])_batmap.Clone());
    }

    private byte[] Footer() => VhdFooter.Encode(new VhdFooter
    {
        IsPoisoned = false,
        Features = 2,
        FormatVersion = 0x00010000,
        DataOffset = SectorBytes,
        Timestamp = _timestamp,
        CreatorApp = "tap\0",
        CreatorVersion = 0x00010003,
        CreatorOs = 0,
        OriginalSizeBytes = (ulong)VirtualBytes,
        CurrentSizeBytes = (ulong)VirtualBytes,
        Geometry = VhdGeometry.ForSize((ulong)VirtualBytes),
        DiskType = _parent is null ? VhdDiskType.Dynamic : VhdDiskType.Differencing,
        StoredChecksum = 0,
        ComputedChecksum = 0,
        Uuid = Uuid,
        SavedState = 0,
        Hidden = _hidden ? (byte)1 : (byte)0,
        Raw = [],
    });

    private byte[] Header(string? parentName)
    {
        var h = new byte[DynamicHeader.Size];
        DynamicHeader.Cookie.CopyTo(h);
        BinaryPrimitives.WriteUInt64BigEndian(h.AsSpan(DynamicHeader.Off.DataOffset), ulong.MaxValue);
        BinaryPrimitives.WriteUInt64BigEndian(h.AsSpan(DynamicHeader.Off.TableOffset), (ulong)BatAt);
        BinaryPrimitives.WriteUInt32BigEndian(h.AsSpan(DynamicHeader.Off.HeaderVersion), 0x00010000);
        BinaryPrimitives.WriteUInt32BigEndian(h.AsSpan(DynamicHeader.Off.MaxTableEntries), TableEntries);
        BinaryPrimitives.WriteUInt32BigEndian(h.AsSpan(DynamicHeader.Off.BlockSize), BlockBytes);
        if (_parent is not null && parentName is not null)
        {
            _parent.Uuid.TryWriteBytes(h.AsSpan(DynamicHeader.Off.ParentUuid), bigEndian: true, out _);
            BinaryPrimitives.WriteUInt32BigEndian(h.AsSpan(DynamicHeader.Off.ParentTimestamp), _parent._timestamp);
            Encoding.BigEndianUnicode.GetBytes(parentName).CopyTo(h, DynamicHeader.Off.ParentName);
            (string Code, int Length)[] locators =
            [
                ("MacX", Encoding.UTF8.GetByteCount("file://./" + parentName)),
                ("W2ku", Encoding.Unicode.GetByteCount(".\\" + parentName)),
                ("W2ru", Encoding.Unicode.GetByteCount(".\\" + parentName)),
            ];
            for (var i = 0; i < locators.Length; i++)
            {
                var l = h.AsSpan(DynamicHeader.Off.Locators + (i * ParentLocator.Size));
                Encoding.ASCII.GetBytes(locators[i].Code).CopyTo(l);
                BinaryPrimitives.WriteUInt32BigEndian(l[ParentLocator.Off.DataSpace..], LocatorSpace);
                BinaryPrimitives.WriteUInt32BigEndian(l[ParentLocator.Off.DataLength..], (uint)locators[i].Length);
                BinaryPrimitives.WriteUInt64BigEndian(l[ParentLocator.Off.DataOffset..], (ulong)(EndOfMetadata + (i * LocatorSpace)));
            }
        }

        return DynamicHeader.WithChecksum(h);
    }

    private static byte[] Pad(byte[] bytes)
    {
        var sector = new byte[LocatorSpace];
        bytes.CopyTo(sector, 0);
        return sector;
    }
}
