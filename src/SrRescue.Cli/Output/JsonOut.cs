using System.Text;
using System.Text.Json;
using SrRescue.Diagnostics;
using SrRescue.Lvm;

namespace SrRescue.Cli.Output;

/// <summary>
/// Writes one JSON document with a <c>schema</c> field (DESIGN.md: snake_case, stable names) and
/// the shared shapes every command uses: findings, metadata copies.
/// </summary>
internal sealed class JsonOut : IDisposable
{
    private readonly MemoryStream _buffer = new();
    private readonly TextWriter _target;

    public JsonOut(TextWriter target, string command)
    {
        _target = target;
        W = new Utf8JsonWriter(_buffer, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        W.WriteStartObject();
        W.WriteString("schema", $"srrescue.{command}/1");
    }

    public Utf8JsonWriter W { get; }

    public void Findings(FindingLog log) => Findings(log.Snapshot());

    public void Findings(IEnumerable<Finding> findings)
    {
        W.WriteStartArray("findings");
        foreach (var f in findings)
        {
            W.WriteStartObject();
            W.WriteString("severity", f.Severity.ToString().ToLowerInvariant());
            W.WriteString("code", f.Code);
            W.WriteString("structure", f.Structure);
            W.WriteNumber("offset", f.Offset);
            NullableString("source", f.Source);
            W.WriteString("message", f.Message);
            NullableString("stored", f.Stored);
            NullableString("expected", f.Computed);
            W.WriteEndObject();
        }

        W.WriteEndArray();
    }

    public void Copy(MetadataCopy c)
    {
        W.WriteStartObject();
        W.WriteString("origin", c.Origin == CopyOrigin.Ring ? "ring" : "backup_file");
        W.WriteString("source", c.Source);
        W.WriteNumber("offset", c.OffsetBytes);
        W.WriteNumber("mda", c.MdaNumber);
        W.WriteNumber("size", c.SizeBytes);
        W.WriteString("checksum", $"{c.Checksum:x8}");
        if (c.SlotChecksumMatches is { } ok)
        {
            W.WriteBoolean("checksum_ok", ok);
        }
        else
        {
            W.WriteNull("checksum_ok");
        }

        W.WriteBoolean("committed", c.IsCommitted);
        W.WriteBoolean("precommitted", c.IsPrecommitted);
        W.WriteBoolean("wrapped", c.Wraps);
        W.WriteBoolean("damaged", c.IsDamaged);
        NullableString("damage", c.Damage);
        W.WriteEndObject();
    }

    public void Strings(string name, IEnumerable<string> values)
    {
        W.WriteStartArray(name);
        foreach (var v in values)
        {
            W.WriteStringValue(v);
        }

        W.WriteEndArray();
    }

    public void NullableString(string name, string? value)
    {
        if (value is null)
        {
            W.WriteNull(name);
        }
        else
        {
            W.WriteString(name, value);
        }
    }

    public void NullableNumber(string name, long? value)
    {
        if (value is { } v)
        {
            W.WriteNumber(name, v);
        }
        else
        {
            W.WriteNull(name);
        }
    }

    /// <summary>
    /// Ends and prints the document, unless a failure left it half written (an object or array
    /// still open): then nothing is printed and the CLI's error handler prints the error document.
    /// </summary>
    public void Dispose()
    {
        if (W.CurrentDepth != 1)
        {
            W.Dispose();
            _buffer.Dispose();
            return;
        }

        W.WriteEndObject();
        W.Flush();
        _target.WriteLine(Encoding.UTF8.GetString(_buffer.ToArray()));
        W.Dispose();
        _buffer.Dispose();
    }
}
