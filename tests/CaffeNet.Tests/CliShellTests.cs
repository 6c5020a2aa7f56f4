namespace CaffeNet.Tests;

public class CliShellTests
{
    [Fact]
    public void UnknownCommandExitsWithTwoAndOneLine()
    {
        var r = CliRunner.Run("frobnicate");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("unknown command 'frobnicate'", r.Stderr);
        Assert.DoesNotContain("   at ", r.Stderr);
    }

    [Fact]
    public void HelpListsCommandsAndSucceeds()
    {
        var r = CliRunner.Run("--help");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("Commands:", r.Stdout);
    }
}
