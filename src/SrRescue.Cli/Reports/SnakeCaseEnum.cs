using System.Text.Json;
using System.Text.Json.Serialization;

namespace SrRescue.Cli.Reports;

/// <summary>Writes an enum as its name in snake case (<c>Created</c> as <c>created</c>), the way every report names kinds.</summary>
internal sealed class SnakeCaseEnum<T>() : JsonStringEnumConverter<T>(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false)
    where T : struct, Enum
{
    /// <summary>The name the JSON writes, for the text to say the same.</summary>
    public static string Name(T value) => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());
}
