namespace SrRescue.Io;

/// <summary>
/// An output file written under a temporary name in the same folder and renamed to its name only
/// by <see cref="Commit"/>, after its bytes are flushed to disk: a write cut short (a full disk,
/// an error, a crash) never leaves a partial file under the final name, and a failed one leaves
/// nothing (the temporary file is removed when the stream is disposed uncommitted).
/// </summary>
public sealed class PendingOutput : FileStream
{
    private readonly bool _overwrite;
    private bool _committed;

    internal PendingOutput(string finalPath, string temporaryPath, bool overwrite)
        : base(temporaryPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16)
    {
        FinalPath = finalPath;
        _overwrite = overwrite;
    }

    /// <summary>The name the file gets when it is complete.</summary>
    public string FinalPath { get; }

    /// <summary>Flushes the file to disk, closes it and gives it its final name.</summary>
    public void Commit()
    {
        if (_committed)
        {
            return;
        }

        Flush(flushToDisk: true);
        var temporary = Name;
        base.Dispose(true);
        File.Move(temporary, FinalPath, _overwrite);
        _committed = true;
    }

    protected override void Dispose(bool disposing)
    {
        var temporary = Name;
        try
        {
            // Closing may itself fail on a full disk (buffered bytes that cannot be written):
            // the temporary file goes all the same, or it would keep the space it took.
            base.Dispose(disposing);
        }
        finally
        {
            if (!_committed)
            {
                TryDelete(temporary);
            }
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
