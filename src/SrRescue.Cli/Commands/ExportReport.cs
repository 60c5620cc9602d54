using SrRescue.Lvm;
using SrRescue.Lvm.Model;
using SrRescue.Vhd;

namespace SrRescue.Cli.Commands;

/// <summary>What an export did: the facts both the text and the JSON report.</summary>
internal sealed record ExportReport(
    string Lv,
    long Seqno,
    string Format,
    string Output,
    long SizeBytes,
    long DataBytes,
    VhdChain? Chain,
    IReadOnlyList<string> MemberLvs,
    bool InNewestMetadata,
    IReadOnlyList<(string Lv, PhysicalExtentRange Range, string OtherLv)> Overwritten,
    IReadOnlyList<(string Lv, UnmappedRange Range)> Unmapped);
