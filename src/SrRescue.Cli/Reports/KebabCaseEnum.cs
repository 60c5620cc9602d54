using System.Text.Json;
using System.Text.Json.Serialization;

namespace SrRescue.Cli.Reports;

/// <summary>Writes an enum as its name in kebab case (<c>DeletedRecoverable</c> as <c>deleted-recoverable</c>), the way VDI states are named.</summary>
internal sealed class KebabCaseEnum<T>() : JsonStringEnumConverter<T>(JsonNamingPolicy.KebabCaseLower, allowIntegerValues: false)
    where T : struct, Enum;
