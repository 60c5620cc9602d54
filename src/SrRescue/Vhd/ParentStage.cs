namespace SrRescue.Vhd;

/// <summary>
/// The parent stage of <see cref="VhdChecker"/>, for a differencing disk: the parent locators
/// checked (<see cref="LocatorRules"/>), what the child calls its parent, and where the resolver
/// found it.
/// </summary>
/// <param name="Described">What a differencing disk calls its parent (header name, else the first locator path).</param>
/// <param name="FoundAt">Where the resolver found the parent.</param>
internal sealed record ParentStage(string Described, string? FoundAt)
{
    /// <summary>Checks the parent locators, names the parent, and looks for it with the resolver.</summary>
    public static ParentStage Read(InspectionInput input, FooterStage footers, HeaderStage header)
    {
        var h = header.Parsed!;
        var paths = LocatorRules.Validate(input, header.At, h);
        var name = HeaderRules.DecodeParentName(h.Raw);
        var described = !string.IsNullOrEmpty(name) ? name : paths.Count > 0 ? paths[0] : "(unnamed)";
        return new ParentStage(described, LocatorRules.CheckParent(input, footers.Chosen!.Uuid, header.At, h, described));
    }
}
