namespace SrRescue.Cli.Output;

/// <summary>A plain text table: a header row, aligned columns, two spaces between them.</summary>
internal sealed class TextTable(params string[] headers)
{
    private readonly List<string[]> _rows = [];

    public int RowCount => _rows.Count;

    public void Add(params string[] cells) => _rows.Add(cells);

    public void Write(TextWriter w, string indent = "  ")
    {
        ArgumentNullException.ThrowIfNull(w);
        var widths = headers.Select(h => h.Length).ToArray();
        foreach (var r in _rows)
        {
            for (var i = 0; i < r.Length && i < widths.Length; i++)
            {
                widths[i] = Math.Max(widths[i], r[i].Length);
            }
        }

        WriteRow(w, indent, headers, widths);
        foreach (var r in _rows)
        {
            WriteRow(w, indent, r, widths);
        }
    }

    private static void WriteRow(TextWriter w, string indent, string[] cells, int[] widths)
    {
        var parts = new string[widths.Length];
        for (var i = 0; i < widths.Length; i++)
        {
            var cell = i < cells.Length ? cells[i] : "";
            parts[i] = i == widths.Length - 1 ? cell : cell.PadRight(widths[i]);
        }

        w.WriteLine((indent + string.Join("  ", parts)).TrimEnd());
    }
}
