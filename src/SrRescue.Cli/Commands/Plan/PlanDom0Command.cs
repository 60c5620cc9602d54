using System.CommandLine;
using System.Text;
using SrRescue.Cli.Output;
using SrRescue.Cli.Reports;
using SrRescue.Diagnostics;
using SrRescue.Io;
using SrRescue.Lvm;
using SrRescue.Recovery.Dom0;
using SrRescue.Xen;

namespace SrRescue.Cli.Commands.Plan;

/// <summary>
/// `plan dom0`: POSIX sh scripts for a dom0 that cannot run .NET. Step 1 (`--device DEV`) copies
/// each device's head into a capture; step 2 (`CAPTURE...`) adds MGT and every VDI's structures;
/// step 3 (`CAPTURE... --vdi UUID` or `--all`) extracts the LVs of the chosen VDIs' chains.
/// `--whole` copies the devices whole, for carving.
/// </summary>
internal static class PlanDom0Command
{
    public static Command Create(CliContext ctx)
    {
        var captures = new Argument<string[]>("CAPTURE")
        {
            Arity = ArgumentArity.ZeroOrMore,
            Description = "Captures made by the step 1 script (each with its .manifest beside it); none for step 1 itself.",
        };
        captures.Validators.Add(CommonOptions.RefuseOptionLikeTokens);
        var device = new Option<string[]>("--device") { Description = "Step 1: the device(s) on dom0 holding the SR (every PV), e.g. /dev/sdb.", AllowMultipleArgumentsPerToken = false };
        var headMib = new Option<int>("--head-mib") { Description = "Step 1: MiB to copy from the start of each device (default 16: XenServer's metadata area ends at 11 MiB; more when the PV lies in a partition further in).", DefaultValueFactory = _ => (int)(Dom0Planner.DefaultHeadBytes >> 20) };
        var vdi = new Option<string[]>("--vdi") { Description = "Step 3: a VDI uuid to extract (its parents come along); repeat for more." };
        var all = new Option<bool>("--all") { Description = "Step 3: every VDI of the newest metadata." };
        var seqno = CommonOptions.Seqno(description: "Step 3: read the chosen VDIs' LVs through this metadata copy (default: the newest that defines them; a deleted VDI is found without it).");
        var ssh = new Option<string?>("--ssh") { Description = "Step 3: stream the files to user@host:dir over ssh instead of writing them on dom0." };
        var whole = new Option<bool>("--whole") { Description = "Copy each device whole (for 'carve', when no metadata maps the VDIs)." };
        var output = CommonOptions.Output();
        output.Description = "The script to write.";
        var force = CommonOptions.Force("Overwrite an existing script file.");
        var json = CommonOptions.Json();
        var backup = CommonOptions.LvmBackup();
        var noSearch = CommonOptions.NoPvSearch();
        var cmd = new Command("dom0", "Write a POSIX sh script for dom0 (CentOS 7, busybox): step 1 copies the devices' heads into captures, step 2 adds the VDIs' structures, step 3 extracts chosen VDIs with dd, checksummed.")
        {
            captures, device, headMib, vdi, all, seqno, ssh, whole, output, force, json, backup, noSearch,
        };
        cmd.SetAction(p =>
        {
            var sources = p.GetValue(captures) ?? [];
            var request = new Request(sources, p.GetValue(device) ?? [], p.GetValue(headMib), p.GetValue(vdi) ?? [], p.GetValue(all), p.GetValue(seqno),
                p.GetValue(ssh), p.GetValue(whole), p.GetValue(output)!, p.GetValue(force), p.GetValue(backup), !p.GetValue(noSearch));
            OutputFile.EnsureNotASource(request.Output, sources.Concat(request.Devices));
            var report = Run(ctx, request, string.Join(' ', ["srrescue", "plan", "dom0", .. p.Tokens.Select(t => t.Value)]));
            if (p.GetValue(json))
            {
                ReportJson.Write(ctx.Out, report, c => c.PlanDom0Report);
            }
            else
            {
                PlanDom0Text.Write(ctx.Out, report);
            }

            return report.Notes.Count > 0 && report.Step != "head" && report.CopyBytes == 0 ? ExitCodes.DataErrors : ExitCodes.Success;
        });
        return cmd;
    }

    private sealed record Request(string[] Captures, string[] Devices, int HeadMib, string[] Vdis, bool All, long? Seqno, string? Ssh, bool Whole,
        string Output, bool Force, string? Backup, bool SearchInside);

    private static PlanDom0Report Run(CliContext ctx, Request r, string madeBy)
    {
        if (r.Captures.Length == 0)
        {
            if (r.Devices.Length == 0)
            {
                throw new UsageException("give --device DEVICE for step 1 (or --whole), or the captures step 1 made");
            }

            if (r.HeadMib is < 1 or > 1 << 20)
            {
                throw new UsageException("--head-mib must be between 1 and 1048576");
            }

            if (r.Vdis.Length > 0 || r.All || r.Ssh is not null)
            {
                throw new UsageException("--vdi, --all and --ssh need the captures (step 3); step 1 takes only --device");
            }

            var head = r.Whole ? Dom0Planner.Whole(Dom0Planner.Name(r.Devices), null) : Dom0Planner.Head(r.Devices, (long)r.HeadMib << 20);
            return Write(head, r, madeBy, []);
        }

        if (r.Devices.Length > 0)
        {
            throw new UsageException("--device is for step 1; the captures' manifests name their devices");
        }

        var manifests = r.Captures.Select(CaptureManifest.Read).ToList();
        for (var i = 0; i < r.Captures.Length; i++)
        {
            using var file = FileSource.Open(r.Captures[i]);
            if (manifests[i].Verify(file) is { Count: > 0 } problems)
            {
                throw new StoppedException(string.Join("; ", problems), new FindingLog());
            }
        }

        if (r.Whole)
        {
            return Write(Dom0Planner.Whole(Dom0Planner.Devices(r.Captures, manifests), null), r, madeBy, []);
        }

        var bar = new ProgressBar(ctx);
        using var lvm = LvmInspection.Open(r.Captures, r.Backup, bar, r.SearchInside);
        bar.Done();
        var volumes = new SrVolumes(lvm);
        Dom0Plan plan;
        if (r.Vdis.Length > 0 || r.All)
        {
            if (lvm.Vg is null)
            {
                throw new StoppedException("the captures hold no LVM metadata: run step 2 first, or copy the devices whole (--whole) and carve", lvm.Findings);
            }

            foreach (var uuid in r.Vdis)
            {
                var lv = volumes.LvOfVdi(uuid) ?? throw new UsageException($"no metadata copy in the captures has an LV for VDI {uuid} (VHD-, QCOW2- or LV-<uuid>); 'srrescue list' shows the VDIs");
                _ = volumes.VersionFor(lv, r.Seqno) ?? throw new UsageException($"the copy with seqno {r.Seqno} does not define {lv} (or is damaged); 'srrescue history' shows the LVs each copy has");
            }

            plan = Dom0Planner.Extract(volumes, r.Captures, manifests, r.Vdis, r.All, r.Seqno, r.Ssh, lvm.Findings);
        }
        else if (r.Seqno is not null || r.Ssh is not null)
        {
            throw new UsageException("--seqno and --ssh are for step 3: add --vdi UUID or --all");
        }
        else
        {
            plan = Dom0Planner.Capture(volumes, r.Captures, manifests);
        }

        return Write(plan, r, madeBy, lvm.Findings.Snapshot());
    }

    private static PlanDom0Report Write(Dom0Plan plan, Request r, string madeBy, IReadOnlyList<Finding> findings)
    {
        using (var file = OutputFile.Create(r.Output, r.Force))
        {
            file.Write(Encoding.UTF8.GetBytes(Dom0Script.Render(plan, madeBy)));
            file.Commit();
        }

        return PlanDom0Report.Of(plan, r.Output, findings);
    }
}
