namespace SrRescue.Cli;

/// <summary>Where a command writes: results to <see cref="Out"/>, progress and errors to <see cref="Err"/>.</summary>
/// <param name="Stop">Stops a long-running command (serve) as Ctrl-C and SIGTERM do; a test cancels it.</param>
/// <param name="NewGuid">Where the GUIDs of a proposed partition table come from (null: <see cref="Guid.NewGuid"/>); a test fixes it so two runs propose the same table.</param>
internal sealed record CliContext(TextWriter Out, TextWriter Err, bool ErrIsTerminal, Func<Guid>? NewGuid = null, CancellationToken Stop = default)
{
    public static CliContext FromConsole() => new(StandardOutput(), Console.Error, !Console.IsErrorRedirected);

    /// <summary>
    /// Standard output with a 64 KiB buffer, flushed after every write as <see cref="Console.Out"/>
    /// is: the console's own writer passes a report of megabytes to write(2) 256 bytes at a time
    /// (50,000 calls for a full ring's history). Windows keeps <see cref="Console.Out"/>, which
    /// writes to a console in its own code page.
    /// </summary>
    private static TextWriter StandardOutput() => OperatingSystem.IsWindows()
        ? Console.Out
        : TextWriter.Synchronized(new StreamWriter(Console.OpenStandardOutput(), new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 1 << 16) { AutoFlush = true });
}
