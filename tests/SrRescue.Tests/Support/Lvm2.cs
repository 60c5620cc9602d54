namespace SrRescue.Tests.Support;

/// <summary>
/// Runs lvm2 commands against only the loop devices a test attached: activation off (no
/// device-mapper here), no backup or archive written under /etc/lvm.
/// </summary>
internal static class Lvm2
{
    private const string Config = "global{activation=0} backup{backup=0 archive=0}";

    public static ExternalTool.Result Run(string command, IReadOnlyList<string> devices, params string[] args)
    {
        var exe = ExternalTool.Require(command, "lvm2");
        var all = new List<string>();
        foreach (var d in devices)
        {
            all.Add("--devices");
            all.Add(d);
        }

        all.Add("--config");
        all.Add(Config);
        all.AddRange(args);
        return ExternalTool.Run(exe, all);
    }

    /// <summary>
    /// pvck of lvm2 2.03.16 refuses any device given with --devices ("device is not in devices
    /// list"), so it gets a filter that accepts only this one device instead: the same isolation.
    /// </summary>
    public static ExternalTool.Result Pvck(string device, params string[] args)
    {
        var exe = ExternalTool.Require("pvck", "lvm2");
        var config = $"{Config} devices{{use_devicesfile=0 filter=[\"a|^{device}$|\",\"r|.*|\"]}}";
        return ExternalTool.Run(exe, ["--config", config, .. args, device]);
    }
}
