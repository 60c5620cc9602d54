namespace SrRescue.Cli.Reports;

/// <summary>The text of a <see cref="ShowMetadataReport"/>: the metadata text as found on stdout, where it came from on stderr (so stdout can be saved as a file).</summary>
internal static class ShowMetadataText
{
    public static void Write(TextWriter o, TextWriter err, ShowMetadataReport r)
    {
        err.WriteLine($"# seqno {r.Seqno} from {r.Copy.Source} at byte {r.Copy.Offset}{(r.Copy.Damaged ? $" (DAMAGED: {r.Copy.Damage})" : "")}");
        Utf8Segments.Decode(r.Text.Span, (chars, _) => o.Write(chars));
    }
}
