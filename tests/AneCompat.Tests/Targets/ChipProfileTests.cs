using AneCompat.Targets;

namespace AneCompat.Tests.Targets;

public class ChipProfileTests
{
    [Theory]
    [InlineData("m4", "M4")]
    [InlineData("A17 Pro", "A17Pro")]
    [InlineData("a17-pro", "A17Pro")]
    public void FindsProfilesByLooseName(string query, string expected) =>
        Assert.Equal(expected, ChipProfiles.Find(query)?.Name);

    [Fact]
    public void GenerationSwitchesFollowTheFactBase()
    {
        Assert.False(ChipProfiles.Find("M1")!.HasTextureUnit);
        Assert.True(ChipProfiles.Find("M2")!.HasTextureUnit);
        Assert.False(ChipProfiles.Find("M2")!.HasTrigUnit);
        Assert.True(ChipProfiles.Find("M3")!.HasTrigUnit);
        Assert.Equal(13, ChipProfiles.Find("M3")!.MaxKernelWidth);
        Assert.Equal(15, ChipProfiles.Find("M4")!.MaxKernelWidth);
        Assert.Equal(1_000_000_000L, ChipProfiles.Find("A18")!.MaxModelBytes);
    }
}
