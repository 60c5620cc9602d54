namespace SrRescue.Cli;

/// <summary>Where a command writes: results to <see cref="Out"/>, progress and errors to <see cref="Err"/>.</summary>
internal sealed record CliContext(TextWriter Out, TextWriter Err, bool ErrIsTerminal)
{
    public static CliContext FromConsole() => new(Console.Out, Console.Error, !Console.IsErrorRedirected);
}
