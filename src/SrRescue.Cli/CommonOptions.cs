using System.CommandLine;

namespace SrRescue.Cli;

/// <summary>Arguments and options that several commands share, defined once.</summary>
internal static class CommonOptions
{
    public static Argument<string[]> Sources()
    {
        var sources = new Argument<string[]>("SOURCE")
        {
            Arity = ArgumentArity.OneOrMore,
            Description = "Image files or block devices; several are the PVs of one VG. Opened read-only.",
        };
        sources.Validators.Add(RefuseOptionLikeTokens);
        return sources;
    }

    /// <summary>
    /// The parser hands a misspelt option to SOURCE..., which then fails as a missing file (an
    /// I/O error). It is a usage error: name it as an unknown option (a file whose name starts
    /// with '-' is given as ./-name).
    /// </summary>
    public static void RefuseOptionLikeTokens(System.CommandLine.Parsing.ArgumentResult result)
    {
        foreach (var token in result.Tokens)
        {
            if (token.Value.Length > 1 && token.Value[0] == '-')
            {
                result.AddError($"unknown option {token.Value} (a source whose name starts with '-' is given as ./{token.Value})");
            }
        }
    }

    public static Option<bool> Json() => new("--json")
    {
        Description = "Write one JSON document to stdout instead of text.",
    };

    public static Option<string?> LvmBackup() => new("--lvm-backup")
    {
        Description = "A folder of /etc/lvm/backup or /etc/lvm/archive files to use as further metadata copies.",
    };

    public static Option<bool> NoPvSearch() => new("--no-pv-search")
    {
        Description = "A source with no LVM label at its start is the PV itself: do not search the whole source for a PV further in (a lost partition). Saves one full read of a large disk.",
    };

    public static Option<long?> Seqno(string name = "--seqno", string description = "The metadata seqno to use.") => new(name)
    {
        Description = description,
    };

    public static Option<string> Output(bool required = true) => new("--output", "-o")
    {
        Description = "The file to write (never one of the sources).",
        Required = required,
    };

    public static Option<bool> Force(string description) => new("--force")
    {
        Description = description,
    };
}
