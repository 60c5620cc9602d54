namespace SrRescue.Vhd;

/// <summary>What <see cref="DynamicVhdWriter"/> puts in the footer besides the size and layout.</summary>
public sealed record DynamicVhdWriteOptions
{
    public static DynamicVhdWriteOptions Default { get; } = new();

    /// <summary>The footer UUID; null makes a new one (a copy must not share its source's UUID in one SR).</summary>
    public Guid? Uuid { get; init; }

    /// <summary>blktap's hidden byte (XenServer base copies).</summary>
    public bool Hidden { get; init; }

    /// <summary>The creation time; null is now.</summary>
    public DateTime? TimestampUtc { get; init; }
}
