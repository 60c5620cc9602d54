namespace SrRescue.Io;

/// <summary>
/// An output the tool will not write as asked: it is one of the sources (by path, link or inode),
/// or it exists and overwriting was not asked for. A usage error, not an I/O failure: nothing was
/// read or written yet, and another name or <c>--force</c> fixes it.
/// </summary>
public sealed class OutputRefusedException : IOException
{
    public OutputRefusedException(string message)
        : base(message)
    {
    }

    public OutputRefusedException()
    {
    }

    public OutputRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
