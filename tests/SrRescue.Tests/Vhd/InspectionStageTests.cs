using System.Reflection;
using System.Runtime.CompilerServices;
using SrRescue.Vhd;

namespace SrRescue.Tests.Vhd;

/// <summary>
/// Issue 11 item 6: <see cref="VhdInspection"/> was one object of 27 settable properties that ten
/// rule classes filled in a fixed order and the repairer wrote into; it is now composed of the
/// records its stages return, each made from the ones before it. Nothing of it can be set once
/// its stage has made it (init-only is setting while it is made).
/// </summary>
public sealed class InspectionStageTests
{
    private const BindingFlags Instance = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;

    [Fact]
    public void The_inspection_is_its_input_and_one_record_per_stage()
    {
        var parts = typeof(VhdInspection).GetProperties(Instance).Where(p => p.Name != "EqualityContract")
            .Select(p => Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType).ToHashSet();
        Type[] expected = [typeof(InspectionInput), typeof(FooterStage), typeof(HeaderStage), typeof(BatmapStage), typeof(BatStage), typeof(ParentStage)];
        Assert.True(parts.SetEquals(expected), string.Join(", ", parts.Select(t => t.Name)));
    }

    [Fact]
    public void No_property_of_the_inspection_or_of_a_stage_is_settable_after_it_is_made()
    {
        Type[] records = [typeof(VhdInspection), typeof(InspectionInput), typeof(FooterStage), typeof(HeaderStage), typeof(BatmapStage), typeof(BatStage), typeof(ParentStage)];
        var settable = records.SelectMany(t => t.GetProperties(Instance).Where(p => p.SetMethod is { } set
                && !set.ReturnParameter.GetRequiredCustomModifiers().Contains(typeof(IsExternalInit)))
            .Select(p => $"{t.Name}.{p.Name}")).ToList();
        Assert.Empty(settable);
        Assert.All(records, t => Assert.True(t.IsSealed && !t.IsPublic, $"{t.Name} is internal sealed"));
    }
}
