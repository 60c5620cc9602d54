using SrRescue.Cli.Output;
using SrRescue.Io;
using SrRescue.Vhd;

namespace SrRescue.Cli.Commands;

/// <summary>
/// What `vhd convert` and `qcow2 convert` write: a virtual disk as a sparse raw file or as one
/// dynamic VHD. Uncommitted (an error), the temporary file is removed and an existing output is
/// untouched.
/// </summary>
internal static class ConvertedDisk
{
    /// <param name="format">raw or vhd.</param>
    public static (long DataBytes, long FileBytes, DynamicVhdWriteResult? Vhd) Write(string output, string format, bool force, IByteSource disk, ProgressBar bar)
    {
        using var stream = OutputFile.Create(output, force);
        if (format == "vhd")
        {
            var vhd = DynamicVhdWriter.Write(disk, stream, DynamicVhdWriteOptions.Default, bar);
            stream.Commit();
            return (vhd.DataBytes, vhd.FileSizeBytes, vhd);
        }

        var data = SparseCopy.Copy(disk, stream, bar);
        var length = stream.Length;
        stream.Commit();
        return (data, length, null);
    }
}
