using SrRescue.Cli.Commands.Vhd;
using SrRescue.Cli.Output;

namespace SrRescue.Cli.Reports;

/// <summary>The text of a <see cref="VhdCheckCommandReport"/>: the facts, the problems and notes, the result and what to do.</summary>
internal static class VhdCheckText
{
    public static void Write(TextWriter o, VhdCheckCommandReport r)
    {
        if (r.DiskType is not { } type)
        {
            o.WriteLine($"{r.File}: NOT A READABLE VHD ({Units.Bytes(r.FileSize)}): no footer at the end or at offset 0.");
        }
        else
        {
            o.WriteLine($"{r.File}: {type} VHD, virtual size {Units.Bytes(r.VirtualSize)} ({r.VirtualSize} bytes), file {Units.Bytes(r.FileSize)}");
            o.WriteLine($"  uuid {r.Uuid}{(r.Hidden ? ", hidden (a base copy)" : "")}; footer used: {r.FooterUsed.Replace('_', ' ')}");
            if (r.BlockSize > 0)
            {
                var max = r.RecoveredMaxTableEntries is { } rec ? $"{rec} entries (recovered: the stored value is damaged)" : $"{r.MaxTableEntries} entries";
                o.WriteLine($"  blocks: {r.AllocatedBlocks} of {r.BatEntries} allocated, {Units.Bytes(r.BlockSize)} each; BAT of {max}; {(r.Batmap ? "batmap present" : "no batmap")}");
            }

            if (r.Parent is { } parent)
            {
                o.WriteLine($"  parent: {parent.Name} (footer uuid {parent.Uuid}){(parent.FoundAt is { } at ? $", found: {at}" : "")}");
            }

            if (r.BitmapsChecked)
            {
                o.WriteLine("  bitmaps were checked against the data");
            }
        }

        VhdFindingText.WriteProblems(o, r.CheckFindings);
        VhdFindingText.WriteNotes(o, r.CheckFindings);
        o.WriteLine();
        if (r.Clean)
        {
            o.WriteLine("Result: no problems found.");
        }
        else
        {
            o.WriteLine($"Result: DAMAGED ({r.Errors} {(r.Errors == 1 ? "error" : "errors")}, {r.Warnings} {(r.Warnings == 1 ? "warning" : "warnings")}).");
            o.WriteLine($"  'srrescue vhd repair {r.File} -o REPAIRED.vhd' writes a repaired copy; {Path.GetFileName(r.File)} itself is never changed.");
        }
    }
}
