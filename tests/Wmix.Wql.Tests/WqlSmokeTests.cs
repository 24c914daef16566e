namespace Wmix.Wql.Tests;

public sealed class WqlSmokeTests
{
    [Fact]
    public void Assembly_Loads() => Assert.Equal("Wmix.Wql", typeof(WqlAssemblyMarker).Assembly.GetName().Name);
}
