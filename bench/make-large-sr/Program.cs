using System.Globalization;
using System.Text.Json;
using SrRescue.Tests.Support;

// make-large-sr DIR GIB RAW_LVS CHAIN_DEPTH: the tests' large SR (LargeSr: real lvm2, a metadata
// text of MiBs, a chain of 2 TiB VHDs at the end of the PV, a removed leaf) of GIB GiB, written
// as DIR/large-sr.img (sparse), and its uuids as DIR/large-sr.json. Needs root (loop device, lvm2).
if (args.Length != 4)
{
    Console.Error.WriteLine("usage: make-large-sr DIR GIB RAW_LVS CHAIN_DEPTH");
    return 2;
}

var gib = long.Parse(args[1], CultureInfo.InvariantCulture);
var options = new LargeSr.Options(gib << 30, int.Parse(args[2], CultureInfo.InvariantCulture), int.Parse(args[3], CultureInfo.InvariantCulture), 2040L << 30);
var sr = LargeSr.Make(args[0], options);
File.WriteAllText(Path.Combine(args[0], "large-sr.json"), JsonSerializer.Serialize(new
{
    image = sr.Image,
    vg = LargeSr.Vg,
    leaf = sr.Leaf,
    root = sr.Chain[^1],
    chain = sr.Chain,
    removed_leaf = sr.RemovedLeaf,
    removed_at_seqno = sr.RemovedAtSeqno,
}));
Console.WriteLine($"{sr.Image}: chain of {sr.Chain.Count}, leaf {sr.Leaf}, removed {sr.RemovedLeaf} at seqno {sr.RemovedAtSeqno}");
return 0;
