using System.Buffers.Binary;
using System.Text.Json;
using SrRescue.Diagnostics;
using SrRescue.Io;
using SrRescue.Qcow2;
using SrRescue.Tests.Support;
using static SrRescue.Tests.Qcow2.QemuQcow2;

namespace SrRescue.Tests.Qcow2;

/// <summary>What `qemu-img check --output=json` says about a file (absent fields are 0, as qemu leaves out zeros).</summary>
internal sealed record QemuCheckResult(
    int ExitCode,
    long CheckErrors,
    long Corruptions,
    long Leaks,
    long AllocatedClusters,
    long TotalClusters,
    long CompressedClusters,
    long FragmentedClusters,
    long ImageEndOffset,
    string Messages);

/// <summary>qemu-img check, our checker on the same file, and byte edits that damage a qcow2 file where its structures are.</summary>
internal static class QemuCheck
{
    public static QemuCheckResult Run(string file)
    {
        var r = ExternalTool.Run(Img, ["check", "--output=json", "-f", "qcow2", file]);
        // 1 is "check failed": check errors, with the JSON all the same when the check ran to the end.
        Assert.True(r.ExitCode is 0 or 2 or 3 || (r.ExitCode == 1 && r.StdOut.TrimStart().StartsWith('{')), $"qemu-img check exited {r.ExitCode}: {r.All}");
        using var doc = JsonDocument.Parse(r.StdOut);
        long Get(string name) => doc.RootElement.TryGetProperty(name, out var v) ? v.GetInt64() : 0;
        return new QemuCheckResult(r.ExitCode, Get("check-errors"), Get("corruptions"), Get("leaks"), Get("allocated-clusters"),
            Get("total-clusters"), Get("compressed-clusters"), Get("fragmented-clusters"), Get("image-end-offset"), r.StdErr);
    }

    public static Qcow2CheckReport Ours(string file)
    {
        using var f = FileSource.Open(file);
        return Qcow2Checker.Check(f);
    }

    /// <summary>Checks the file with both and asserts every number qemu gives is ours too; returns our report.</summary>
    public static Qcow2CheckReport AssertSameAsQemu(string file)
    {
        var q = Run(file);
        var ours = Ours(file);
        var why = $"qemu-img check said:\n{q.Messages}\nours:\n{string.Join("\n", ours.Findings)}";
        Assert.True(q.CheckErrors == ours.CheckErrors, $"check errors: qemu {q.CheckErrors}, ours {ours.CheckErrors}\n{why}");
        Assert.True(q.Corruptions == ours.Corruptions, $"corruptions: qemu {q.Corruptions}, ours {ours.Corruptions}\n{why}");
        Assert.True(q.Leaks == ours.Leaks, $"leaks: qemu {q.Leaks}, ours {ours.Leaks}\n{why}");
        Assert.True(q.AllocatedClusters == ours.AllocatedClusters, $"allocated: qemu {q.AllocatedClusters}, ours {ours.AllocatedClusters}\n{why}");
        Assert.True(q.TotalClusters == ours.TotalClusters, $"total: qemu {q.TotalClusters}, ours {ours.TotalClusters}");
        Assert.True(q.CompressedClusters == ours.CompressedClusters, $"compressed: qemu {q.CompressedClusters}, ours {ours.CompressedClusters}");
        Assert.True(q.FragmentedClusters == ours.FragmentedClusters, $"fragmented: qemu {q.FragmentedClusters}, ours {ours.FragmentedClusters}");
        Assert.True(q.ImageEndOffset == ours.ImageEndOffset, $"image end: qemu {q.ImageEndOffset}, ours {ours.ImageEndOffset}\n{why}");
        var exit = ours.CheckErrors > 0 ? 1 : ours.Corruptions > 0 ? 2 : ours.Leaks > 0 ? 3 : 0;
        Assert.Equal(q.ExitCode, exit);
        return ours;
    }

    /// <summary>A qcow2 image made by qemu-img create with <paramref name="options"/> and written by qemu-io.</summary>
    public static string Make(string dir, string name, string size, string[] options, params string[] writes)
    {
        var file = Path.Combine(dir, name + ".qcow2");
        ExternalTool.RunChecked(Img, ["create", "-q", "-f", "qcow2", .. options, file, size]);
        if (writes.Length > 0)
        {
            IoCommands(file, writes);
        }

        return file;
    }

    /// <summary>A copy of <paramref name="file"/> to damage.</summary>
    public static string Copy(string file, string suffix)
    {
        var copy = Path.ChangeExtension(file, suffix + ".qcow2");
        File.Copy(file, copy);
        return copy;
    }
}
