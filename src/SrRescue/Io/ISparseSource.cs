namespace SrRescue.Io;

/// <summary>
/// A source that can tell, without reading, where it certainly reads as zeros: unallocated VHD
/// blocks in every image of a chain, a missing parent. Copies skip those ranges instead of reading
/// and zero-testing them. Answers are conservative: "may hold data" is always a correct answer.
/// </summary>
internal interface ISparseSource : IByteSource
{
    /// <summary>
    /// The first offset in [<paramref name="offset"/>, <paramref name="limit"/>) whose bytes may be
    /// non-zero, or <paramref name="limit"/> when the whole range reads as zeros. Offsets at or past
    /// the length hold no data.
    /// </summary>
    long NextDataOffset(long offset, long limit);

    /// <summary>
    /// The first offset in [<paramref name="offset"/>, <paramref name="limit"/>) from which the bytes
    /// certainly read as zeros (the length, at the latest), or <paramref name="limit"/> when none does.
    /// </summary>
    long NextHoleOffset(long offset, long limit);
}
