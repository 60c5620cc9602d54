using System.Text.Json;
using System.Text.Json.Serialization;

namespace SrRescue.Cli.Reports;

/// <summary>Writes an enum as its name in snake case (<c>Created</c> as <c>created</c>), the way every report names kinds.</summary>
internal sealed class SnakeCaseEnum<T>() : JsonStringEnumConverter<T>(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false)
    where T : struct, Enum;
