namespace SrRescue.Recovery;

/// <summary>The variant of a fault; <see cref="FaultNames"/> gives the names the reports print.</summary>
public enum FaultKind
{
    PartitionTableDamaged,
    GptDestroyed,
    LostVdi,
    SnapshotDeleted,
    RingWrapped,
    MultiPvLostVdi,
    MdaWiped,
    MetadataCopyDamaged,
    SrRecreated,
    VdisWithoutMetadata,
    VhdDamaged,
    Qcow2Damaged,
    Names,
    Reattach,
    NotAnSr,
    ContainerImage,
    NoSr,
    PvMissing,
    SourceTruncated,
}
