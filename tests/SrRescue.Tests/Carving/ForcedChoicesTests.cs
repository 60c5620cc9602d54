using SrRescue.Carving;

namespace SrRescue.Tests.Carving;

/// <summary>The repair search's set of forced choices is a value: equal sets are swept once.</summary>
public sealed class ForcedChoicesTests
{
    private static VhdStart Vhd(long pe) => new(pe, 0, null!, null!, [], true);

    [Fact]
    public void Sets_forcing_the_same_vhds_at_the_same_extents_are_equal()
    {
        var a = ForcedChoices.None.Revise(10, Vhd(1)).Revise(20, Vhd(3));
        var b = ForcedChoices.None.Revise(10, Vhd(1)).Revise(20, Vhd(3));
        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, ForcedChoices.None.Revise(10, Vhd(1)).Revise(20, Vhd(5)));
        Assert.NotEqual(a, ForcedChoices.None.Revise(10, Vhd(1)));
        Assert.Single(new HashSet<ForcedChoices> { a, b });
    }

    [Fact]
    public void Revising_a_choice_drops_the_ones_after_it()
    {
        var revised = ForcedChoices.None.Revise(10, Vhd(1)).Revise(20, Vhd(3)).Revise(30, Vhd(5)).Revise(20, Vhd(7));
        Assert.Equal(ForcedChoices.None.Revise(10, Vhd(1)).Revise(20, Vhd(7)), revised);
        Assert.True(revised.TryGet(20, out var at20));
        Assert.Equal(7, at20.Pe);
        Assert.False(revised.TryGet(30, out _));
    }
}
