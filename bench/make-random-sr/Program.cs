using System.Globalization;
using System.Text.Json;
using SrRescue.Tests.Carving;

// make-random-sr DIR SEED GIB VDIS: a random SR (real lvm2 allocation, VHDs as libvhd writes
// them, snapshots) of GIB GiB with VDIS VDIs, written as DIR/sr-SEED.img, and what is in it as
// DIR/sr-SEED.truth.json (LV, VHD uuid, extents, SHA-256 of the disk the guest sees). Between
// rounds the SR also gets thick raw VDIs that are never written, so the VHDs spread over the
// whole image as on an SR that has been in use for years. Needs root (loop device, lvm2).
if (args.Length != 4)
{
    Console.Error.WriteLine("usage: make-random-sr DIR SEED GIB VDIS");
    return 2;
}

var dir = args[0];
var seed = int.Parse(args[1], CultureInfo.InvariantCulture);
var gib = long.Parse(args[2], CultureInfo.InvariantCulture);
var vdis = int.Parse(args[3], CultureInfo.InvariantCulture);
const int Rounds = 8;
var options = new RandomSrGenerator.Options(MinVdis: vdis, MaxVdis: vdis, MinBlocks: 256, MaxBlocks: 1024, Rounds: Rounds,
    MinWritesPerTurn: 4, MaxWritesPerTurn: 12, FullBlockWrites: 0.5, SnapshotChance: 0.05, MaxSnapshots: 3,
    ImageBytes: gib << 30, RawSpacerBytes: (gib << 30) * 7 / 10 / Rounds);
var sr = RandomSrGenerator.Make(seed, dir, options);
var truth = sr.Vhds.Select(v => new { lv = v.LvName, vhd_uuid = v.VhdUuid, parent_vhd_uuid = v.ParentUuid, raw_sha256 = v.RawSha256, virtual_size = v.VirtualSizeBytes, pes = v.Pes });
File.WriteAllText(Path.ChangeExtension(sr.Image, ".truth.json"), JsonSerializer.Serialize(new { image = sr.Image, vg = sr.VgName, snapshots = sr.Snapshots, vhds = truth }));
Console.WriteLine($"{sr.Image}: {sr.Vhds.Count} VHDs ({sr.Snapshots} snapshots)");
return 0;
