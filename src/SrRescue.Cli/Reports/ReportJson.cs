using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace SrRescue.Cli.Reports;

/// <summary>
/// The reports as JSON by System.Text.Json source generation (no reflection; DESIGN.md: snake_case
/// names, one document with its schema first). Every report record is listed here.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(CarveReport))]
[JsonSerializable(typeof(DiffReport))]
[JsonSerializable(typeof(DoctorReport))]
[JsonSerializable(typeof(ErrorReport))]
[JsonSerializable(typeof(ExportReport))]
[JsonSerializable(typeof(HistoryReport))]
[JsonSerializable(typeof(ListReport))]
[JsonSerializable(typeof(PartitionsContainerReport))]
[JsonSerializable(typeof(PartitionsReport))]
[JsonSerializable(typeof(PlanDom0Report))]
[JsonSerializable(typeof(RestoreMetadataReport))]
[JsonSerializable(typeof(ServeReport))]
[JsonSerializable(typeof(ScanReport))]
[JsonSerializable(typeof(ShowMetadataReport))]
[JsonSerializable(typeof(UndoReport))]
[JsonSerializable(typeof(VdiReport))]
[JsonSerializable(typeof(VhdCheckCommandReport))]
[JsonSerializable(typeof(Qcow2CheckCommandReport))]
[JsonSerializable(typeof(Qcow2ConvertReport))]
[JsonSerializable(typeof(Qcow2InfoReport))]
[JsonSerializable(typeof(VhdConvertReport))]
[JsonSerializable(typeof(VhdInfoReport))]
[JsonSerializable(typeof(VhdRepairCommandReport))]
internal sealed partial class ReportJson : JsonSerializerContext
{
    /// <summary>Non-ASCII text (VDI names) as it is, not as \u escapes; JSON's own escapes for control characters stay.</summary>
    public static ReportJson Relaxed { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    /// <summary>The report and a newline, written as it is serialised (<see cref="Output.TextWriterStream"/>), not built as one string first.</summary>
    public static void Write<T>(TextWriter target, T report, Func<ReportJson, JsonTypeInfo<T>> type)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(type);
        using (var stream = new Output.TextWriterStream(target))
        {
            JsonSerializer.Serialize(stream, report, type(Relaxed));
        }

        target.WriteLine();
    }
}
