namespace SrRescue.Lvm.Model;

/// <summary>What happened to an LV between two metadata copies.</summary>
public enum LvChangeKind
{
    Created,
    Removed,

    /// <summary>Its extent count changed.</summary>
    Resized,

    /// <summary>Same LV id, other name.</summary>
    Renamed,

    /// <summary>Same size, other physical extents or segment layout.</summary>
    Moved,

    /// <summary>Tags, status or flags changed; <see cref="LvChange.Detail"/> says which.</summary>
    Changed,
}
