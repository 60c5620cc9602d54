namespace SrRescue.Vhd;

/// <summary>
/// What <see cref="VhdChecker"/> read from one VHD, one record per stage, each made by its stage
/// from the ones before it, with the values it settled on where the stored ones are damaged (the
/// footer copy in use, a recovered max_table_entries). The repairer builds on it. A stage the
/// check did not reach is null: the header for a fixed disk or without a footer; the batmap and
/// the BAT when the header, its block size or its BAT offset is unusable; the parent for a disk
/// that is not differencing.
/// </summary>
internal sealed record VhdInspection(
    InspectionInput Input,
    FooterStage Footers,
    HeaderStage? Header = null,
    BatmapStage? Batmap = null,
    BatStage? Bat = null,
    ParentStage? Parent = null);
