namespace SrRescue.Lvm.Text;

/// <summary>
/// An entry of a section in the metadata text: a key with either a value
/// (<see cref="ConfigValue"/>) or a sub-section (<see cref="ConfigSection"/>).
/// </summary>
public abstract class ConfigNode
{
    private protected ConfigNode(string key, long offset)
    {
        ArgumentNullException.ThrowIfNull(key);
        Key = key;
        Offset = offset;
    }

    /// <summary>The key as written (unquoted); "" for the root section.</summary>
    public string Key { get; }

    /// <summary>Absolute byte offset of the key in the parsed input, or -1 for nodes built in code.</summary>
    public long Offset { get; }

    /// <summary>
    /// Same key, same kind and the same content, recursively and in order; offsets do not count.
    /// This is the equality a parse → write → parse round trip must keep.
    /// </summary>
    public abstract bool ContentEquals(ConfigNode? other);
}
