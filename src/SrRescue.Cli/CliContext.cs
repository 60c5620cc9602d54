namespace SrRescue.Cli;

/// <summary>Where a command writes: results to <see cref="Out"/>, progress and errors to <see cref="Err"/>.</summary>
/// <param name="Stop">Stops a long-running command (serve) as Ctrl-C and SIGTERM do; a test cancels it.</param>
/// <param name="NewGuid">Where the GUIDs of a proposed partition table come from (null: <see cref="Guid.NewGuid"/>); a test fixes it so two runs propose the same table.</param>
internal sealed record CliContext(TextWriter Out, TextWriter Err, bool ErrIsTerminal, Func<Guid>? NewGuid = null, CancellationToken Stop = default)
{
    public static CliContext FromConsole() => new(Console.Out, Console.Error, !Console.IsErrorRedirected);
}
