using System.Globalization;
using System.Text.Json;
using SrRescue.Tests.Carving;

// make-random-sr DIR SEED GIB VDIS [ROUNDS [MAX_WRITES_PER_TURN]]: a random SR (real lvm2
// allocation, VHDs as libvhd writes them, snapshots) of GIB GiB with VDIS VDIs, written as
// DIR/sr-SEED.img, and what is in it as DIR/sr-SEED.truth.json (LV, VHD uuid, extents, SHA-256
// of the disk the guest sees). Between rounds the SR also gets thick raw VDIs that are never
// written, so the VHDs spread over the whole image as on an SR that has been in use for years.
// ROUNDS (8) and MAX_WRITES_PER_TURN (12, at least 4 a turn) bound the lvm2 calls and the data
// written: a LUN of terabytes with hundreds of VDIs is made with fewer of both. Needs root
// (loop device, lvm2).
if (args.Length is < 4 or > 6)
{
    Console.Error.WriteLine("usage: make-random-sr DIR SEED GIB VDIS [ROUNDS [MAX_WRITES_PER_TURN]]");
    return 2;
}

var dir = args[0];
var seed = int.Parse(args[1], CultureInfo.InvariantCulture);
var gib = long.Parse(args[2], CultureInfo.InvariantCulture);
var vdis = int.Parse(args[3], CultureInfo.InvariantCulture);
var rounds = args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 8;
var maxWrites = args.Length > 5 ? int.Parse(args[5], CultureInfo.InvariantCulture) : 12;
var options = new RandomSrGenerator.Options(MinVdis: vdis, MaxVdis: vdis, MinBlocks: 256, MaxBlocks: 1024, Rounds: rounds,
    MinWritesPerTurn: Math.Min(4, maxWrites), MaxWritesPerTurn: maxWrites, FullBlockWrites: 0.5, SnapshotChance: 0.05, MaxSnapshots: 3,
    ImageBytes: gib << 30, RawSpacerBytes: (gib << 30) * 7 / 10 / rounds);
var sr = RandomSrGenerator.Make(seed, dir, options);
var truth = sr.Vhds.Select(v => new { lv = v.LvName, vhd_uuid = v.VhdUuid, parent_vhd_uuid = v.ParentUuid, raw_sha256 = v.RawSha256, virtual_size = v.VirtualSizeBytes, pes = v.Pes });
File.WriteAllText(Path.ChangeExtension(sr.Image, ".truth.json"), JsonSerializer.Serialize(new { image = sr.Image, vg = sr.VgName, snapshots = sr.Snapshots, vhds = truth }));
Console.WriteLine($"{sr.Image}: {sr.Vhds.Count} VHDs ({sr.Snapshots} snapshots)");
return 0;
