namespace SrRescue.Cli.Reports;

/// <summary>
/// `partitions` on a container image (qcow2, VMDK, VHD...): its format and the findings, nothing
/// proposed, as a container's header is where a raw disk's tables would be. The text of it is the
/// CLI's stderr line.
/// </summary>
internal sealed record PartitionsContainerReport(string Schema, string Container, IReadOnlyList<FindingReport> Findings);
