using System.Collections;
using SrRescue.Io;

namespace SrRescue.Carving;

/// <summary>
/// The evidence behind an extent placed, kept as what was seen (a kind, a block, a byte offset of
/// the carved source, counts) and worded only when read. A carve of a LUN of terabytes places
/// thousands of extents in each of hundreds of sweeps, while only the extents of the best maps are
/// reported: wording each as it was placed took a large part of a repair sweep. Read as a list, it
/// gives the sentences of the report (<see cref="ExtentSpace.Describe(IByteSource, long)"/> names
/// the byte).
/// </summary>
internal sealed class ExtentEvidence : IReadOnlyList<string>
{
    private readonly IByteSource _pv;
    private readonly Sign[] _signs;

    /// <summary>Sentences added to the signs, after them (rare: a contradiction, a doubt).</summary>
    private readonly string[] _notes;

    private ExtentEvidence(IByteSource pv, Sign[] signs, string[] notes)
    {
        _pv = pv;
        _signs = signs;
        _notes = notes;
    }

    /// <summary>What one sign says, with the fields it uses.</summary>
    public enum Kind : byte
    {
        /// <summary>The batmap header's cookie at <see cref="Sign.At"/>.</summary>
        BatmapHeader,

        /// <summary>No batmap header cookie at <see cref="Sign.At"/>, <see cref="Sign.Agree"/> bytes into the extent.</summary>
        NoBatmapHeader,

        /// <summary>Block <see cref="Sign.Block"/>'s bitmap at <see cref="Sign.At"/>, <see cref="Sign.Agree"/> of <see cref="Sign.Of"/> data sectors agreeing.</summary>
        Bitmap,

        /// <summary>No bitmap of block <see cref="Sign.Block"/> at <see cref="Sign.At"/>.</summary>
        NoBitmap,

        /// <summary>Block <see cref="Sign.Block"/>'s bitmap at <see cref="Sign.At"/> not full though the batmap says it is.</summary>
        BitmapNotFull,

        /// <summary>A footer with the VHD's uuid at <see cref="Sign.At"/>.</summary>
        Footer,

        /// <summary>Block <see cref="Sign.Block"/> runs in: <see cref="Sign.Agree"/> of <see cref="Sign.Of"/> sectors agree with its bitmap.</summary>
        RunIn,
    }

    /// <summary>One thing seen in the extent, as numbers.</summary>
    public readonly record struct Sign(Kind Kind, int Block, long At, int Agree, int Of);

    public static ExtentEvidence Of(IByteSource pv, IEnumerable<Sign> signs) => new(pv, [.. signs], []);

    public int Count => _signs.Length + _notes.Length;

    public string this[int index] => index < _signs.Length ? Word(_signs[index]) : _notes[index - _signs.Length];

    /// <summary>This evidence and a sentence after it.</summary>
    public ExtentEvidence With(string note) => new(_pv, _signs, [.. _notes, note]);

    public IEnumerator<string> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private string Word(Sign s)
    {
        string Where() => ExtentSpace.Describe(_pv, s.At);
        return s.Kind switch
        {
            Kind.BatmapHeader => $"tdbatmap at {Where()}",
            Kind.NoBatmapHeader => $"no 'tdbatmap' at extent offset {s.Agree} ({Where()})",
            Kind.Bitmap => $"block {s.Block}: bitmap at {Where()}, {s.Agree} of {s.Of} data sectors agree",
            Kind.NoBitmap => $"block {s.Block}: no bitmap at {Where()}",
            Kind.BitmapNotFull => $"block {s.Block}: bitmap at {Where()} is not full though the batmap says the block is",
            Kind.Footer => $"footer with the VHD's uuid at {Where()}",
            Kind.RunIn => $"block {s.Block} runs in: {s.Agree} of {s.Of} sectors agree with its bitmap",
            _ => throw new ArgumentOutOfRangeException(nameof(s)),
        };
    }
}
