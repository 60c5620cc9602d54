using System.Text;
using SrRescue.Diagnostics;
using SrRescue.Io;

namespace SrRescue.Vhd;

/// <summary>
/// The parent locator rules of vhd-util check (vhd.md 3.6, vhd_util_check_parent_locators) for a
/// differencing disk, and, given a resolver, that the parent exists and is the one the child was
/// made from (its footer uuid is the child's parent uuid, vhd.md 4.2).
/// </summary>
internal static class LocatorRules
{
    public const string What = "VHD parent locator";

    private static readonly Encoding StrictUtf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private static readonly Encoding StrictUtf16Le = new UnicodeEncoding(bigEndian: false, byteOrderMark: false, throwOnInvalidBytes: true);

    /// <summary>Checks the eight entries; returns the parent paths the decodable ones hold.</summary>
    public static List<string> Validate(InspectionInput input, long headerAt, DynamicHeader h)
    {
        var log = input.Log;
        var paths = new List<string>();
        var seen = new HashSet<uint>();
        var footerAt = input.LengthBytes - VhdFooter.Size;
        var parentName = HeaderRules.DecodeParentName(h.Raw) ?? h.ParentName;
        var headerFile = BaseName(parentName);
        if (headerFile.Length == 0)
        {
            // The locators are not wrong for naming a parent the header no longer names.
            log.Add(Severity.Warning, "vhd.header.parent-name-missing", "VHD header", headerAt + DynamicHeader.Off.ParentName,
                "the differencing header has no parent unicode name (zeroed or blank): only the locators and the parent uuid say which file the parent is", "", "the parent's file name");
        }

        for (var i = 0; i < DynamicHeader.LocatorCount; i++)
        {
            var loc = h.Locators[i];
            var at = headerAt + DynamicHeader.Off.Locators + (i * ParentLocator.Size);
            if (!loc.IsKnownCode)
            {
                log.Add(Severity.Error, "vhd.locator.code", What, at, $"locator {i} has an unknown platform code", $"0x{loc.PlatformCode:x8}", "MacX, W2ku, W2ru, Wi2r, Wi2k, Mac or 0");
                continue;
            }

            if (!loc.IsUsed)
            {
                if (loc.DataSpace != 0 || loc.DataLength != 0 || loc.Reserved != 0 || loc.DataOffset != 0)
                {
                    log.Add(Severity.Error, "vhd.locator.unused-nonzero", What, at, $"locator {i} is unused (code 0) but its other fields are not zero");
                }

                continue;
            }

            if (!seen.Add(loc.PlatformCode))
            {
                log.Add(Severity.Error, "vhd.locator.duplicate", What, at, $"locator {i} repeats the platform code {loc.CodeName}", loc.CodeName, "each code once");
            }

            if (loc.DataOffset == 0 || loc.DataSpace == 0 || loc.DataLength == 0)
            {
                log.Add(Severity.Error, "vhd.locator.fields", What, at, $"{loc.CodeName} locator {i} has a zero data offset, space or length",
                    $"offset {loc.DataOffset}, space {loc.DataSpace}, length {loc.DataLength}", "all non-zero");
                continue;
            }

            if (loc.Reserved != 0)
            {
                log.Add(Severity.Error, "vhd.locator.reserved", What, at + ParentLocator.Off.Reserved, $"{loc.CodeName} locator {i} has a non-zero reserved field", $"0x{loc.Reserved:x8}", "0");
            }

            if (loc.DataSpaceBytes is not { } space)
            {
                log.Add(Severity.Error, "vhd.locator.space", What, at + ParentLocator.Off.DataSpace,
                    $"{loc.CodeName} locator {i}: data space is neither a sector count (< 512) nor a multiple of 512 bytes", loc.DataSpace.ToString(), "sectors < 512 or bytes % 512 == 0");
                continue;
            }

            if (!HeaderRules.Fits(loc.DataOffset, (ulong)space, footerAt))
            {
                log.Add(Severity.Error, "vhd.locator.range", What, at + ParentLocator.Off.DataOffset,
                    $"{loc.CodeName} locator {i}: its data (byte {loc.DataOffset}, {space} bytes) runs past the footer at byte {footerAt}", loc.DataOffset.ToString(), $"end <= {footerAt}");
                continue;
            }

            if (loc.DataLength > space)
            {
                log.Add(Severity.Error, "vhd.locator.length", What, at + ParentLocator.Off.DataLength,
                    $"{loc.CodeName} locator {i}: data length is larger than its space", loc.DataLength.ToString(), $"<= {space}");
            }

            if (!loc.HoldsPath)
            {
                continue;
            }

            var data = input.Source.ReadBytes((long)loc.DataOffset, (int)Math.Min(Math.Min(loc.DataLength, space), ParentLocator.MaxDataBytes));
            var path = Decode(loc, data);
            if (path is null)
            {
                log.Add(Severity.Error, "vhd.locator.decode", What, (long)loc.DataOffset, $"{loc.CodeName} locator {i}: the path is not valid {(loc.PlatformCode == ParentLocator.MacX ? "UTF-8" : "UTF-16LE")} or is empty");
                continue;
            }

            paths.Add(path);
            // blktap stores the parent's basename in the header, Windows tools may store a full
            // path (vhd.md 2.1); Windows locators (W2ku absolute, W2ru relative ".\name.vhd") name
            // files case-insensitively. Compare basenames, as Windows does for its own locators.
            var file = BaseName(path);
            var comparison = loc.PlatformCode == ParentLocator.MacX ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;
            if (headerFile.Length > 0 && !string.Equals(file, headerFile, comparison))
            {
                log.Add(Severity.Warning, "vhd.locator.name-mismatch", What, (long)loc.DataOffset,
                    $"{loc.CodeName} locator {i} names the parent '{file}' but the header says '{parentName}'", file, parentName);
            }
        }

        if (paths.Count == 0)
        {
            log.Add(Severity.Warning, "vhd.locator.none", What, headerAt + DynamicHeader.Off.Locators,
                "no locator holds a readable parent path: the parent can only be found by its uuid");
        }

        return paths;
    }

    /// <summary>
    /// Finds the parent with the resolver and checks it is the one: not the child itself, readable,
    /// and its footer uuid equal to the child's parent uuid. Returns the name it was found under.
    /// </summary>
    public static string? CheckParent(InspectionInput input, Guid childUuid, long headerAt, DynamicHeader h, string described)
    {
        var log = input.Log;
        var nameAt = headerAt + DynamicHeader.Off.ParentName;
        var wanted = h.ParentUuid;
        if (wanted != Guid.Empty && wanted == childUuid)
        {
            log.Add(Severity.Error, VhdCodes.ChainLoop, "VHD parent", headerAt + DynamicHeader.Off.ParentUuid,
                "the parent uuid is this disk's own uuid: the chain refers to itself", wanted.ToString(), "the uuid of another VHD");
            return null;
        }

        if (input.Options.ParentResolver is not { } resolver)
        {
            return null;
        }

        VhdImage child;
        try
        {
            child = VhdImage.Open(input.Source, new FindingLog(), input.Options.Footers);
        }
        catch (CorruptDataException)
        {
            return null;
        }

        var found = resolver.Resolve(child, log.Log);
        if (found is null)
        {
            log.Add(Severity.Error, VhdCodes.ChainParentMissing, "VHD parent", nameAt,
                $"the parent {described} (footer uuid {wanted}) was not found");
            return null;
        }

        if (wanted == Guid.Empty)
        {
            log.Add(Severity.Info, VhdCodes.ChainParentFound, "VHD parent", nameAt, $"raw parent {found.Name}");
            return found.Name;
        }

        Guid got;
        try
        {
            got = VhdImage.Open(found.Source, new FindingLog(), found.Footers).Uuid;
        }
        catch (CorruptDataException e)
        {
            log.Add(Severity.Error, VhdCodes.ChainParentUnreadable, "VHD parent", nameAt, $"the parent {found.Name} has no readable footer: {e.Finding.Message}");
            return found.Name;
        }

        if (got != wanted)
        {
            log.Add(Severity.Error, VhdCodes.ChainParentUuid, "VHD parent", headerAt + DynamicHeader.Off.ParentUuid,
                $"{found.Name} is not the parent this disk was made from: its footer uuid differs", got.ToString(), wanted.ToString());
        }
        else
        {
            log.Add(Severity.Info, VhdCodes.ChainParentFound, "VHD parent", nameAt, $"parent {found.Name} (footer uuid {got})");
        }

        return found.Name;
    }

    /// <summary>The last component of a path written with / or \ (Windows).</summary>
    private static string BaseName(string path)
    {
        var p = path.TrimEnd('\0').Replace('\\', '/');
        return p[(p.LastIndexOf('/') + 1)..];
    }

    private static string? Decode(ParentLocator loc, byte[] data)
    {
        try
        {
            var text = loc.PlatformCode == ParentLocator.MacX
                ? StrictUtf8.GetString(data)
                : StrictUtf16Le.GetString(data, 0, data.Length & ~1);
            if (loc.PlatformCode == ParentLocator.MacX && text.StartsWith("file://", StringComparison.Ordinal))
            {
                text = text[7..];
            }

            text = text.TrimEnd('\0').Replace('\\', '/');
            return text.Length == 0 ? null : text;
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }
}
