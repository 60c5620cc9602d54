using System.CommandLine;

namespace SrRescue.Cli.Commands;

/// <summary>
/// The options of `vhd convert` and `qcow2 convert`: the output, its format, --force, and how a
/// missing parent (a VHD's parent, a QCOW2's backing file) is met and where it is looked for.
/// </summary>
internal sealed class ConvertOptions
{
    /// <param name="parent">What the format calls a parent: "parent" or "backing".</param>
    /// <param name="parentFile">The same in a sentence: "a parent", "a backing file".</param>
    public ConvertOptions(string parent, string parentFile)
    {
        Format.AcceptOnlyFromAmong("raw", "vhd");
        AllowMissing = new Option<bool>($"--allow-missing-{parent}")
        {
            Description = $"When {parentFile} of the chain cannot be found, write what the chain found holds; the ranges that needed it are written as zeros and listed.",
        };
        Folder = new Option<string?>($"--{parent}-dir")
        {
            Description = parent == "parent"
                ? "The folder the chain's parents are looked for in (default: FILE's folder), e.g. the original folder for a repaired copy written elsewhere."
                : "The folder the chain's backing files are looked for in (default: FILE's folder).",
            HelpName = "DIR",
        };
    }

    public Option<string> Output { get; } = CommonOptions.Output();

    public Option<string> Format { get; } = new("--format")
    {
        Description = "raw: the whole virtual disk, sparse; vhd: one self-contained dynamic VHD (the chain coalesced).",
        Required = true,
    };

    public Option<bool> Force { get; } = CommonOptions.Force("Overwrite an existing output file (never one of the sources).");

    public Option<bool> AllowMissing { get; }

    public Option<string?> Folder { get; }

    /// <summary>Options on what is written, listed before --json.</summary>
    public Option[] Writing => [Output, Format, Force];

    /// <summary>Options on how FILE's chain is read, listed after --json.</summary>
    public Option[] Reading => [AllowMissing, Folder];

    /// <summary>The folder to look in: --*-dir, or FILE's own; a usage error when it does not exist.</summary>
    public string FolderOf(ParseResult p, ImageFile file)
    {
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(file);
        var folder = p.GetValue(Folder) ?? file.Folder;
        return Directory.Exists(folder) ? folder : throw new UsageException($"{Folder.Name} {folder}: no such folder");
    }
}
